/**
 * The compress stage: route, then the compressor for the detected type (JSON → crush, logs →
 * logs, search results → search, diffs → diff, source code → code, HTML → html, prose →
 * kompress, images to image). Text route is unsure of and binary pass through unchanged, saying so.
 *
 * A file in numbered lines (`cat -n`, Claude Code's `Read`) is compressed as the file it holds —
 * by a stage that keeps lines whole — and put back in its numbers: kept lines keep their own
 * prefix, and every marker returns the numbered lines it stands for.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Config } from "../core/config.ts"
import { type Compressed, type ContentType, decodeUtf8, type PassReason, unchanged } from "../core/content.ts"
import type { UserError } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import type { Store } from "../core/store.ts"
import { closeNumbered, openNumbered } from "./envelope.ts"
import { wholeInput } from "./input.ts"
import { stageFor } from "./registry.ts"
import { finishText } from "./result.ts"
import { CONTENT_TYPES, routeBytes } from "./route.ts"
import { type CommonOptions, stage } from "./stage.ts"

export interface CompressOptions extends CommonOptions {
  /** The file the content came from, when known: its extension names a language. */
  readonly path?: string | undefined
  /**
   * What the caller believes the content is (from the tool call that made it): used instead of
   * detection, numbered lines still looked through, and a stage that finds otherwise passes the
   * input through — unlike `type`, whose stage's errors the caller hears.
   */
  readonly hint?: ContentType | undefined
}

/** What a stage chosen by detection says when the input is not what it reads: not the caller's error, a pass-through. */
const INPUT_ERRORS: Partial<Record<UserError["_tag"], PassReason>> = {
  InvalidJson: "not-json",
  BinaryInput: "not-text",
  NotAnImage: "no-compressor",
  ModelUnavailable: "model-unavailable"
}

/** The stage for a type, on bytes that are that type (`given`: the caller said so, and hears its errors). */
const dispatch = (
  input: Uint8Array,
  type: ContentType,
  options: CompressOptions,
  given: boolean
): Effect.Effect<Compressed, UserError, Store | Config> => {
  const target = stageFor(type)
  if (target === undefined) return Effect.succeed(unchanged(input, "compress", type, type === "text" ? "unsure" : "no-compressor"))
  const run = target.run(input, { ...options, type })
  if (given) return run
  return run.pipe(
    Effect.catchIf(
      (e): e is UserError => INPUT_ERRORS[e._tag] !== undefined,
      (e) => Effect.succeed(unchanged(input, target.name, type, INPUT_ERRORS[e._tag]!, e.message))
    )
  )
}

const encoder = new TextEncoder()

/** Compresses the file inside numbered lines and puts the numbers back on what is kept. */
const inEnvelope = (
  input: Uint8Array,
  type: ContentType,
  options: CompressOptions
): Effect.Effect<Compressed, UserError, Store | Config> =>
  Effect.gen(function*() {
    const text = decodeUtf8(input)
    const numbered = text === undefined ? undefined : openNumbered(text)
    if (numbered === undefined) return yield* dispatch(input, type, options, false)
    const inner = yield* dispatch(encoder.encode(numbered.inner), type, options, false)
    if (inner.passthrough !== undefined) return unchanged(input, inner.stage, type, inner.passthrough, inner.note)
    const innerText = typeof inner.output === "string" ? inner.output : decodeUtf8(inner.output) ?? ""
    const output = closeNumbered(numbered, innerText, keyOf(input))
    if (output === undefined) return unchanged(input, inner.stage, type, "envelope-misaligned")
    return yield* finishText(input, inner.stage, type, output, inner.dropped, options.ttlMs)
  })

export const compressBytes = (
  input: Uint8Array,
  options: CompressOptions = {}
): Effect.Effect<Compressed, UserError, Store | Config> => {
  if (options.type !== undefined) return dispatch(input, options.type, options, true)
  const routed = routeBytes(input, { path: options.path })
  const type = options.hint ?? routed.type
  const envelope = routed.envelope
  return envelope === "numbered" && stageFor(type)?.keepsLines === true
    ? inEnvelope(input, type, options)
    : dispatch(input, type, options, false)
}

export const compress = (options: CompressOptions = {}) => wholeInput((bytes) => compressBytes(bytes, options))

export const compressStage = stage<{ type: ContentType | undefined; path: string | undefined }>({
  name: "compress",
  summary: "detect the content type and run its compressor",
  description:
    "Compress stdin with the compressor for its content type (see `headroom route`): JSON goes to crush, logs to " +
    "logs, grep/rg results to search, diffs to diff, source code to code, HTML to html, and only text that is " +
    "clearly prose to kompress, images to image. Text route is unsure of and binary pass through unchanged. A file in " +
    "numbered lines (cat -n, an agent's Read) is compressed as the file inside, its numbers kept.",
  examples: [
    { command: "cat response.json | headroom compress", description: "compress whatever arrives" },
    { command: "git diff | headroom compress --stats", description: "and say how much it saved" },
    { command: "headroom compress --path lib/app.ex < lib/app.ex", description: "the language from the file name" },
    { command: "headroom compress --type log < build.out", description: "skip detection" }
  ],
  handles: () => false,
  options: {
    type: { kind: "choice", choices: CONTENT_TYPES, description: "the content type, instead of detecting it (see headroom route)" },
    path: { kind: "text", description: "the file the input came from: its extension names a language" }
  },
  run: (input, options) => compressBytes(input, options)
})
