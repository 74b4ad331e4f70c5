/**
 * `headroom compress`: detect the content type of stdin and run its compressor.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command } from "effect/cli"
import { Config } from "../core/config.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { compressBytes } from "../stages/compress.ts"
import { jsonFlag, modelFlag, printJson, queryFlag, readStdin, reportErrors, say, statsFlag, storeLayer, ttlFlag, writeStdout } from "./io.ts"
import { report, summaryLine } from "./report.ts"

export const compressCommand = Command.make(
  "compress",
  { query: queryFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag },
  (flags) =>
    Effect.gen(function*() {
      const input = yield* readStdin
      const result = yield* compressBytes(input, { query: Option.getOrUndefined(flags.query) })
      if (!flags.json && !flags.stats) return yield* writeStdout(result.output)
      const settings = yield* Config
      const facts = report(result, input, Tokenizer.make(settings.model))
      if (flags.json) {
        const output = typeof result.output === "string" ? result.output : new TextDecoder().decode(result.output)
        return yield* printJson({ ...facts, output })
      }
      yield* writeStdout(result.output)
      yield* say(summaryLine(facts))
    }).pipe(
      Effect.provide(storeLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
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
