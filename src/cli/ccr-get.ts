/**
 * `headroom ccr-get HASH`: the original behind a marker, whole, by line range, or by query.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { retrieve } from "../stages/ccr-get.ts"
import { jsonFlag, printJson, reportErrors, servicesLayer, writeStdout } from "./io.ts"

const linesFlag = Flag.String("lines").pipe(
  Flag.withDescription("only lines A to B of the original, exactly as stored, e.g. --lines 120-184"),
  Flag.optional
)
const queryFlag = Flag.String("query").pipe(
  Flag.withAlias("q"),
  Flag.withDescription("only the items (JSON) or lines (text) most relevant to this text, best first"),
  Flag.optional
)
const limitFlag = Flag.Int("limit").pipe(
  Flag.withDescription("at most this many matches for --query (default 20)"),
  Flag.optional
)

export const ccrGetCommand = Command.make(
  "ccr-get",
  {
    hash: Argument.String("hash").pipe(Argument.withDescription("the hash from a marker (hash=9f2c1ab3e4d5)")),
    lines: linesFlag,
    query: queryFlag,
    limit: limitFlag,
    json: jsonFlag
  },
  (flags) =>
    Effect.gen(function*() {
      const got = yield* retrieve(flags.hash, {
        lines: Option.getOrUndefined(flags.lines),
        query: Option.getOrUndefined(flags.query),
        limit: Option.getOrUndefined(flags.limit)
      })
      if (flags.json) {
        const original = got.output === undefined ? undefined : new TextDecoder().decode(got.output)
        return yield* printJson({ hash: got.key, bytes: got.totalBytes, output: original ?? null, matches: got.matches ?? null })
      }
      if (got.output !== undefined) return yield* writeStdout(got.output)
      // Matches print like `grep -n`: the line number or JSON path, a colon, the line or item.
      yield* writeStdout(got.matches!.map((m) => `${m.at}:${m.text}\n`).join(""))
    }).pipe(Effect.provide(servicesLayer()), reportErrors("ccr-get"))
).pipe(
  Command.withShortDescription("print an original back: whole, by --lines, or by --query"),
  Command.withDescription(
    "Print the original stored under HASH byte for byte; or, with --lines, a range of its lines; or, with " +
      "--query, only the items or lines that match, each prefixed with its JSON path or line number."
  ),
  Command.withExamples([
    { command: "headroom ccr-get 9f2c1ab3e4d5 > original.json", description: "the whole original" },
    { command: "headroom ccr-get 9f2c1ab3e4d5 --query 'connection refused'", description: "only what matches" },
    { command: "headroom ccr-get 9f2c1ab3e4d5 --lines 120-184", description: "a range of lines" }
  ])
)
