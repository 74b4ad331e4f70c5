/**
 * `headroom kompress`: prose on stdin, its low-information words left out.
 *
 * @since 0.1.0
 */
import { Option } from "effect"
import { Flag } from "effect/cli"
import { kompressBytes } from "../stages/kompress.ts"
import { compressionCommand } from "./compression-command.ts"

export const kompressCommand = compressionCommand({
  name: "kompress",
  short: "shorten prose: low-information words dropped, every fact kept",
  description:
    "Shorten prose from stdin by dropping low-information words within lines. Line breaks, headings, lists, code " +
    "blocks and code spans stay; numbers, names, identifiers, paths, URLs, negations, quantifiers, conditions " +
    "and --query words are always kept. The scorer is a local token-classification model " +
    "(HEADROOM_KOMPRESS_MODEL: config.json, tokenizer.json, onnx/model.onnx) if set, else a fast statistical one.",
  examples: [
    { command: "cat notes.md | headroom kompress", description: "shorter notes" },
    { command: "HEADROOM_KOMPRESS_MODEL=~/models/llmlingua2 headroom kompress < report.txt", description: "with a model" }
  ],
  flags: {
    scorer: Flag.Literals("scorer", ["model", "statistical"] as const).pipe(
      Flag.withDescription("model: the token classifier in HEADROOM_KOMPRESS_MODEL; statistical: no model (default: model if set)"),
      Flag.optional
    )
  },
  run: (input, { query, scorer }) => kompressBytes(input, { query, scorer: Option.getOrUndefined(scorer) })
})
