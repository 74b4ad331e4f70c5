/**
 * `headroom route`: print the content type of stdin and the compressor `compress` would use.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Command } from "effect/cli"
import { routeBytes } from "../stages/route.ts"
import { jsonFlag, printJson, readStdin, reportErrors, writeStdout } from "./io.ts"

export const routeCommand = Command.make("route", { json: jsonFlag }, (flags) =>
  Effect.gen(function*() {
    const r = routeBytes(yield* readStdin)
    if (flags.json) return yield* printJson({ type: r.type, compressor: r.compressor ?? null, bytes: r.bytes })
    yield* writeStdout(`${r.type}\t${r.compressor ?? "none"}\n`)
  }).pipe(reportErrors("route"))).pipe(
    Command.withShortDescription("print the content type of stdin and the compressor for it"),
  Command.withDescription(
      "Print the detected content type of stdin (json, code:<lang>, log, search, diff, html, text, image:<mime>, " +
        "binary) and, after a tab, the compressor `headroom compress` would use (`none`: passed through)."
    ),
    Command.withExamples([{ command: "curl -s https://api.github.com/repos/nodejs/node | headroom route", description: "prints: json<TAB>crush" }])
  )
