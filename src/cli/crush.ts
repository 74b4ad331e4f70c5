/**
 * `headroom crush`: JSON on stdin, crushed JSON on stdout; the original is stored in CCR.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command } from "effect/cli"
import { crushBytes } from "../stages/crush.ts"
import { jsonFlag, modelFlag, printCompressed, queryFlag, readStdin, reportErrors, statsFlag, servicesLayer, ttlFlag } from "./io.ts"

export const crushCommand = Command.make(
  "crush",
  { query: queryFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag },
  (flags) =>
    Effect.gen(function*() {
      const input = yield* readStdin
      const result = yield* crushBytes(input, { query: Option.getOrUndefined(flags.query) })
      yield* printCompressed(flags, input, result)
    }).pipe(
      Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
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
