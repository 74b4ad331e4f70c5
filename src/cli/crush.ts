/**
 * `headroom crush`: JSON on stdin, crushed JSON on stdout; the original is stored in CCR.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command } from "effect/cli"
import { Config } from "../core/config.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { crushBytes } from "../stages/crush.ts"
import { jsonFlag, modelFlag, printJson, queryFlag, readStdin, reportErrors, say, statsFlag, storeLayer, ttlFlag, writeStdout } from "./io.ts"
import { report, summaryLine } from "./report.ts"

export const crushCommand = Command.make(
  "crush",
  { query: queryFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag },
  (flags) =>
    Effect.gen(function*() {
      const input = yield* readStdin
      const result = yield* crushBytes(input, { query: Option.getOrUndefined(flags.query) })
      if (!flags.json && !flags.stats) return yield* writeStdout(result.output)
      const settings = yield* Config
      const facts = report(result, input, Tokenizer.make(settings.model))
      if (flags.json) return yield* printJson({ ...facts, output: typeof result.output === "string" ? result.output : new TextDecoder().decode(result.output) })
      yield* writeStdout(result.output)
      yield* say(summaryLine(facts))
    }).pipe(
      Effect.provide(storeLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
      reportErrors("crush")
    )
).pipe(
  Command.withShortDescription("compress JSON (tables, then keep what matters); original stored"),
  Command.withDescription(
    "Compress JSON from stdin: lossless first (minified, uniform arrays as tables, constant fields factored out), " +
      "then large arrays keep their first and last items, every error, outliers, change points and items matching " +
      "--query, with a marker where items are not shown. The original is stored; `headroom ccr-get HASH` returns it."
  ),
  Command.withExamples([
    { command: "kubectl get pods -o json | headroom crush", description: "crush a large API response" },
    { command: "headroom crush --query 'req-7f3a' < requests.json", description: "keep the items about one request whole" },
    { command: "headroom crush --json < big.json | jq .reduction", description: "machine-readable figures" }
  ])
)
