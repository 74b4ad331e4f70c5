/**
 * `headroom compress`: detect the content type of stdin (or take `--type`) and run its compressor.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type { ContentType } from "../core/content.ts"
import { compressBytes } from "../stages/compress.ts"
import { jsonFlag, modelFlag, printCompressed, queryFlag, readStdin, reportErrors, servicesLayer, statsFlag, ttlFlag } from "./io.ts"

const TYPES = [
  "json", "log", "search", "diff", "html", "text",
  "code:python", "code:javascript", "code:typescript", "code:tsx", "code:go", "code:rust", "code:java", "code:cpp"
] as const

const typeFlag = Flag.Literals("type", TYPES).pipe(
  Flag.withDescription("the content type, instead of detecting it (json, log, search, diff, html, text, code:<lang>)"),
  Flag.optional
)

export const compressCommand = Command.make(
  "compress",
  { query: queryFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag, type: typeFlag },
  (flags) =>
    Effect.gen(function*() {
      const input = yield* readStdin
      const type: ContentType | undefined = Option.getOrUndefined(flags.type)
      const result = yield* compressBytes(input, { query: Option.getOrUndefined(flags.query), type })
      yield* printCompressed(flags, input, result)
    }).pipe(
      Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
      reportErrors("compress")
    )
).pipe(
  Command.withShortDescription("detect the content type and run its compressor"),
  Command.withDescription(
    "Compress stdin with the compressor for its content type (see `headroom route`): JSON goes to crush, logs " +
      "to logs, grep/rg results to search, diffs to diff, source code to code, HTML to html, prose to kompress; " +
      "images and binary pass through unchanged."
  ),
  Command.withExamples([
    { command: "cat response.json | headroom compress", description: "compress whatever arrives" },
    { command: "git diff | headroom compress --stats", description: "and say how much it saved" },
    { command: "headroom compress --type log < build.out", description: "skip detection" }
  ])
)
