/**
 * The compress stage: route, then the compressor for the detected type (JSON → crush, logs →
 * logs, search results → search, diffs → diff, source code → code, HTML → html, prose →
 * kompress). Images and binary pass through unchanged, saying so.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Config } from "../core/config.ts"
import { type Compressed, type ContentType, unchanged } from "../core/content.ts"
import type { Store } from "../core/store.ts"
import { crushBytes, type CrushError } from "./crush.ts"
import { codeBytes } from "./code.ts"
import { languageOf } from "./code/languages.ts"
import { diffBytes } from "./diff.ts"
import { htmlBytes } from "./html.ts"
import { kompressBytes } from "./kompress.ts"
import { wholeInput } from "./input.ts"
import { logsBytes } from "./logs.ts"
import { compressorFor, detect } from "./route.ts"
import { searchBytes } from "./search.ts"

export interface CompressOptions {
  readonly query?: string | undefined
  readonly ttlMs?: number | undefined
  /** The content type, when the caller knows better than detection. */
  readonly type?: ContentType | undefined
}

export const compressBytes = (
  input: Uint8Array,
  options: CompressOptions = {}
): Effect.Effect<Compressed, CrushError, Store | Config> => {
  const type = options.type ?? detect(input)
  switch (compressorFor(type)) {
    case "crush":
      // Detection reads a bounded prefix: a large text that only looked like JSON passes through.
      return options.type
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
      return codeBytes(input, { ...options, language: languageOf(type.slice(5)) })
    case "html":
      return htmlBytes(input, options)
    case "kompress":
      // A model that cannot be loaded is the caller's to hear about only when asked for by name.
      return kompressBytes(input, options).pipe(
        Effect.catchTag("ModelUnavailable", (e) => Effect.succeed(unchanged(input, "compress", type, e.message)))
      )
    default:
      return Effect.succeed(unchanged(input, "compress", type, `no compressor for ${type} yet`))
  }
}

export const compress = (options: CompressOptions = {}) => wholeInput((bytes) => compressBytes(bytes, options))
