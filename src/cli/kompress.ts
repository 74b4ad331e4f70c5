/**
 * `headroom kompress`: prose on stdin, its low-information words left out.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { kompressBytes } from "../stages/kompress.ts"
import { jsonFlag, modelFlag, printCompressed, queryFlag, readStdin, reportErrors, servicesLayer, statsFlag, ttlFlag } from "./io.ts"

const scorerFlag = Flag.Literals("scorer", ["model", "statistical"] as const).pipe(
  Flag.withDescription("model: the token classifier in HEADROOM_KOMPRESS_MODEL; statistical: no model (default: model if set)"),
  Flag.optional
)

export const kompressCommand = Command.make(
  "kompress",
  { query: queryFlag, scorer: scorerFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag },
  (flags) =>
    Effect.gen(function*() {
      const input = yield* readStdin
      const result = yield* kompressBytes(input, { query: Option.getOrUndefined(flags.query), scorer: Option.getOrUndefined(flags.scorer) })
      yield* printCompressed(flags, input, result)
    }).pipe(
      Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
      reportErrors("kompress")
    )
).pipe(
  Command.withShortDescription("shorten prose: low-information words dropped, every fact kept"),
  Command.withDescription(
    "Shorten prose from stdin by dropping low-information words within lines. Line breaks, headings, lists, code " +
      "blocks and code spans stay; numbers, names, identifiers, paths, URLs, negations, quantifiers, conditions " +
      "and --query words are always kept. The scorer is a local token-classification model " +
      "(HEADROOM_KOMPRESS_MODEL: config.json, tokenizer.json, onnx/model.onnx) if set, else a fast statistical one."
  ),
  Command.withExamples([
    { command: "cat notes.md | headroom kompress", description: "shorter notes" },
    { command: "HEADROOM_KOMPRESS_MODEL=~/models/llmlingua2 headroom kompress < report.txt", description: "with a model" }
  ])
)
