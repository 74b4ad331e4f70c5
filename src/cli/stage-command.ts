/**
 * A command from a stage's descriptor: every compressing command (compress, crush, logs, search,
 * diff, code, html, kompress) reads stdin, runs its stage and writes stdout, with the same common
 * flags (--query, --ttl, --json, --stats, --exact, --model) and its own from the descriptor. A
 * stage that streams (logs) prints each piece as soon as it is decided.
 *
 * @since 0.2.0
 */
import { Effect, Option, Stdio, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import type { Compressed } from "../core/content.ts"
import { Tokenizer } from "../core/tokenizer.ts"
import type { AnyStage, OptionSpec } from "../stages/stage.ts"
import { jsonFlag, printCompressed, printJson, readStdin, reportErrors, say, servicesLayer, ttlFlag, ttlOf, writeStdout } from "./io.ts"
import { counterFor, reportOf, summaryLine } from "./report.ts"

const common = {
  query: Flag.String("query").pipe(
    Flag.withAlias("q"),
    Flag.withDescription("the question at hand: what is relevant to it is kept whole"),
    Flag.optional
  ),
  ttl: ttlFlag,
  json: jsonFlag,
  stats: Flag.Boolean("stats").pipe(
    Flag.withDescription("print a one-line summary (tokens before → after, hash) on stderr"),
    Flag.withDefault(false)
  ),
  exact: Flag.Boolean("exact").pipe(
    Flag.withDescription("count tokens exactly with the model's tokenizer in --stats and --json (slower; default: a calibrated estimate)"),
    Flag.withDefault(false)
  ),
  model: Flag.String("model").pipe(
    Flag.withDescription("model whose tokens --stats and --json count (default: HEADROOM_MODEL or gpt-4o)"),
    Flag.optional
  )
}

const flagOf = (name: string, spec: OptionSpec): Flag.Flag<Option.Option<string>> =>
  (spec.kind === "choice" ? Flag.Literals(name, spec.choices) : Flag.String(name)).pipe(
    Flag.withDescription(spec.description),
    Flag.optional
  )

interface Parsed {
  readonly query: Option.Option<string>
  readonly ttl: Option.Option<string>
  readonly json: boolean
  readonly stats: boolean
  readonly exact: boolean
  readonly model: Option.Option<string>
  readonly [option: string]: unknown
}

/** Streams stdin through a stage that prints as it goes; the figures come with its `Done`. */
const streamed = (stage: AnyStage, flags: Parsed, options: { query: string | undefined }) =>
  Effect.gen(function*() {
    const stdio = yield* Stdio.Stdio
    const counter = counterFor(yield* Tokenizer, flags.exact)
    const counting = flags.json || flags.stats
    const decoder = new TextDecoder()
    const parts: Array<Uint8Array> = []
    let tokensIn = 0
    let tokensOut = 0
    const input = counting
      ? stdio.stdin.pipe(Stream.tap((chunk) => Effect.sync(() => (tokensIn += counter.count(decoder.decode(chunk)).tokens))))
      : stdio.stdin
    yield* input.pipe(
      Stream.orDie,
      stage.stream!(options),
      Stream.runForEach((event) => {
        if (event._tag === "Output") {
          if (counting) tokensOut += counter.count(decoder.decode(event.bytes)).tokens
          return flags.json ? Effect.sync(() => void parts.push(event.bytes)) : writeStdout(event.bytes)
        }
        const facts = reportOf(event.result, counter.model, { tokens: tokensIn, exact: false }, { tokens: tokensOut, exact: false })
        if (flags.json) return printJson({ ...facts, output: Buffer.concat(parts).toString("utf8") })
        return flags.stats ? say(summaryLine(facts)) : Effect.void
      })
    )
  })

/** The command of a stage. */
export const stageCommand = (stage: AnyStage) =>
  Command.make(
    stage.name,
    { ...common, ...Object.fromEntries(Object.entries(stage.options).map(([name, spec]) => [name, flagOf(name, spec)])) },
    (parsed) => {
      const flags = parsed as unknown as Parsed
      const own = Object.fromEntries(Object.keys(stage.options).map((name) => [name, Option.getOrUndefined(flags[name] as Option.Option<string>)]))
      const options = { ...own, query: Option.getOrUndefined(flags.query) }
      return Effect.gen(function*() {
        if (stage.stream) return yield* streamed(stage, flags, options)
        const input = yield* readStdin
        const result: Compressed = yield* stage.run(input, options)
        yield* printCompressed(flags, input, result)
      }).pipe(
        Effect.provide(servicesLayer({ ttl: ttlOf(flags.ttl), model: Option.getOrUndefined(flags.model) })),
        reportErrors(stage.name)
      )
    }
  ).pipe(
    Command.withShortDescription(stage.summary),
    Command.withDescription(stage.description),
    Command.withExamples(stage.examples)
  )
