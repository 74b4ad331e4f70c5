/**
 * `headroom compress`: detect the content type of stdin and run its compressor.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command } from "effect/cli"
import { compressBytes } from "../stages/compress.ts"
import { jsonFlag, modelFlag, printCompressed, queryFlag, readStdin, reportErrors, statsFlag, servicesLayer, ttlFlag } from "./io.ts"

export const compressCommand = Command.make(
  "compress",
  { query: queryFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag },
  (flags) =>
    Effect.gen(function*() {
      const input = yield* readStdin
      const result = yield* compressBytes(input, { query: Option.getOrUndefined(flags.query) })
      yield* printCompressed(flags, input, result)
    }).pipe(
      Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
      reportErrors("compress")
    )
).pipe(
  Command.withShortDescription("detect the content type and run its compressor"),
  Command.withDescription(
    "Compress stdin with the compressor for its content type (see `headroom route`). JSON goes to crush; " +
      "types without a compressor yet pass through unchanged."
  ),
  Command.withExamples([
    { command: "cat response.json | headroom compress", description: "compress whatever arrives" },
    { command: "headroom compress --stats < out.json > small.json", description: "and say how much it saved" }
  ])
)
