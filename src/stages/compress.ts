/**
 * The compress stage: route, then the compressor for the detected type (JSON → crush, logs →
 * logs, search results → search, diffs → diff, source code → code, HTML → html, prose →
 * kompress). Text route is unsure of, images and binary pass through unchanged, saying so.
 *
 * A file in numbered lines (`cat -n`, Claude Code's `Read`) is compressed as the file it holds —
 * by a stage that keeps lines whole — and put back in its numbers: kept lines keep their own
 * prefix, and every marker returns the numbered lines it stands for.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, type ContentType, decodeUtf8, unchanged } from "../core/content.ts"
import { keyOf } from "../core/hash.ts"
import type { Store } from "../core/store.ts"
import { crushBytes, type CrushError } from "./crush.ts"
import { codeBytes } from "./code.ts"
import { languageOf } from "./code/languages.ts"
import { diffBytes } from "./diff.ts"
import { closeNumbered, openNumbered } from "./envelope.ts"
import { htmlBytes } from "./html.ts"
import { kompressBytes } from "./kompress.ts"
import { wholeInput } from "./input.ts"
import { logsBytes } from "./logs.ts"
import { finishText } from "./result.ts"
import { compressorFor, routeBytes } from "./route.ts"
import { searchBytes } from "./search.ts"

export interface CompressOptions {
  readonly query?: string | undefined
  readonly ttlMs?: number | undefined
  /** The content type, when the caller knows better than detection. */
  readonly type?: ContentType | undefined
  /** The file the content came from, when known: its extension names a language. */
  readonly path?: string | undefined
}

/** Stages whose every output line is an input line or a line marker: they may work inside an envelope. */
const KEEPS_LINES = new Set(["code", "logs", "search"])

/** The compressor for a type, on bytes that are that type. */
const dispatch = (
  input: Uint8Array,
  type: ContentType,
  options: CompressOptions,
  given: boolean
): Effect.Effect<Compressed, CrushError, Store | Config> => {
  switch (compressorFor(type)) {
    case "crush":
      // Detection reads a bounded prefix: a large text that only looked like JSON passes through.
      return given
        ? crushBytes(input, options)
        : crushBytes(input, options).pipe(
          Effect.catchTags({
            InvalidJson: (e) => Effect.succeed(unchanged(input, "compress", type, `not JSON after all: ${e.message}`)),
            BinaryInput: () => Effect.succeed(unchanged(input, "compress", type, "not UTF-8 text"))
          })
        )
    case "logs":
      return logsBytes(input, options)
    case "search":
      return searchBytes(input, options)
    case "diff":
      return diffBytes(input, options)
    case "code":
      return codeBytes(input, { ...options, language: languageOf(type.slice(5)) ?? "unknown" })
    case "html":
      return htmlBytes(input, options)
    case "kompress":
      // A model that cannot be loaded is the caller's to hear about only when asked for by name.
      return kompressBytes(input, options).pipe(
        Effect.catchTag("ModelUnavailable", (e) => Effect.succeed(unchanged(input, "compress", type, e.message)))
      )
    default:
      return Effect.succeed(unchanged(input, "compress", type, type === "text" ? "unsure" : `no compressor for ${type}`))
  }
}

const encoder = new TextEncoder()

/** Compresses the file inside numbered lines and puts the numbers back on what is kept. */
const inEnvelope = (
  input: Uint8Array,
  type: ContentType,
  options: CompressOptions
): Effect.Effect<Compressed, CrushError, Store | Config> =>
  Effect.gen(function*() {
    const text = decodeUtf8(input)
    const numbered = text === undefined ? undefined : openNumbered(text)
    if (numbered === undefined) return yield* dispatch(input, type, options, false)
    const inner = yield* dispatch(encoder.encode(numbered.inner), type, options, false)
    if (inner.passthrough !== undefined) return unchanged(input, inner.stage, type, inner.passthrough)
    const innerText = typeof inner.output === "string" ? inner.output : decodeUtf8(inner.output) ?? ""
    const output = closeNumbered(numbered, innerText, keyOf(input))
    if (output === undefined) return unchanged(input, inner.stage, type, "envelope-misaligned")
    return yield* finishText(input, inner.stage, type, output, inner.dropped, options.ttlMs ?? (yield* Config).ttlMs)
  })

export const compressBytes = (
  input: Uint8Array,
  options: CompressOptions = {}
): Effect.Effect<Compressed, CrushError, Store | Config> => {
  if (options.type !== undefined) return dispatch(input, options.type, options, true)
  const { type, envelope } = routeBytes(input, { path: options.path })
  return envelope === "numbered" && KEEPS_LINES.has(compressorFor(type) ?? "")
    ? inEnvelope(input, type, options)
    : dispatch(input, type, options, false)
}

export const compress = (options: CompressOptions = {}) => wholeInput((bytes) => compressBytes(bytes, options))
