/**
 * `headroom route`: print the content type of stdin and the compressor `compress` would use.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { routeBytes } from "../stages/route.ts"
import { jsonFlag, printJson, readStdin, reportErrors, writeStdout } from "./io.ts"

const pathFlag = Flag.String("path").pipe(
  Flag.withDescription("the file the input came from: its extension names a language"),
  Flag.optional
)

export const routeCommand = Command.make("route", { json: jsonFlag, path: pathFlag }, (flags) =>
  Effect.gen(function*() {
    const r = routeBytes(yield* readStdin, { path: Option.getOrUndefined(flags.path) })
    if (flags.json) return yield* printJson({ type: r.type, compressor: r.compressor ?? null, envelope: r.envelope ?? null, bytes: r.bytes })
    yield* writeStdout(`${r.type}\t${r.compressor ?? "none"}${r.envelope ? `\t${r.envelope}` : ""}\n`)
  }).pipe(reportErrors("route"))).pipe(
    Command.withShortDescription("print the content type of stdin and the compressor for it"),
    Command.withDescription(
      "Print the detected content type of stdin (json, code:<lang>, log, search, diff, html, prose, text, " +
        "image:<mime>, binary) and, after a tab, the compressor `headroom compress` would use (`none`: passed " +
        "through); a third column says `numbered` when the input is a file in numbered lines (cat -n, Read)."
    ),
    Command.withExamples([
      { command: "curl -s https://api.github.com/repos/nodejs/node | headroom route", description: "prints: json<TAB>crush" },
      { command: "cat -n lib/app.ex | headroom route", description: "prints: code:elixir<TAB>code<TAB>numbered" }
    ])
  )
