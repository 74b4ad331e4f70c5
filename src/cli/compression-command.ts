/**
 * A command that runs one compression stage on stdin: every compressor command (crush, compress,
 * and those to come) has the same flags and output conventions, so they are made here.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command } from "effect/cli"
import type { Config } from "../core/config.ts"
import type { Compressed } from "../core/content.ts"
import type { UserError } from "../core/errors.ts"
import type { Store } from "../core/store.ts"
import { jsonFlag, modelFlag, printCompressed, queryFlag, readStdin, reportErrors, servicesLayer, statsFlag, ttlFlag } from "./io.ts"

export interface CompressionCommand<Name extends string> {
  readonly name: Name
  /** One line for the list of commands. */
  readonly short: string
  readonly description: string
  readonly examples: ReadonlyArray<Command.Command.Example>
  readonly run: (input: Uint8Array, options: { readonly query: string | undefined }) => Effect.Effect<Compressed, UserError, Store | Config>
}

export const compressionCommand = <const Name extends string>(spec: CompressionCommand<Name>) =>
  Command.make(
    spec.name,
    { query: queryFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag },
    (flags) =>
      Effect.gen(function*() {
        const input = yield* readStdin
        const result = yield* spec.run(input, { query: Option.getOrUndefined(flags.query) })
        yield* printCompressed(flags, input, result)
      }).pipe(
        Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
        reportErrors(spec.name)
      )
  ).pipe(
    Command.withShortDescription(spec.short),
    Command.withDescription(spec.description),
    Command.withExamples(spec.examples)
  )
