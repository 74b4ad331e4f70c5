/**
 * A command that runs one compression stage on stdin: every compressor command (crush, logs'
 * batch cousins, code, html, kompress, compress…) has the same flags and output conventions, so
 * they are made here; a command adds its own flags in `flags`.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command, type Flag } from "effect/cli"
import type { Config } from "../core/config.ts"
import type { Compressed } from "../core/content.ts"
import type { UserError } from "../core/errors.ts"
import type { Store } from "../core/store.ts"
import { jsonFlag, modelFlag, printCompressed, queryFlag, readStdin, reportErrors, servicesLayer, statsFlag, ttlFlag } from "./io.ts"

interface Common {
  readonly query: Option.Option<string>
  readonly ttl: Option.Option<string>
  readonly json: boolean
  readonly stats: boolean
  readonly model: Option.Option<string>
}

type Values<Extra> = { readonly [K in keyof Extra]: Extra[K] extends Flag.Flag<infer A> ? A : never }

export interface CompressionCommand<Name extends string, Extra extends Record<string, Flag.Flag<any>>> {
  readonly name: Name
  /** One line for the list of commands. */
  readonly short: string
  readonly description: string
  readonly examples: ReadonlyArray<Command.Command.Example>
  /** Flags of this command beyond the common ones. */
  readonly flags?: Extra
  readonly run: (
    input: Uint8Array,
    options: { readonly query: string | undefined } & Values<Extra>
  ) => Effect.Effect<Compressed, UserError, Store | Config>
}

export const compressionCommand = <const Name extends string, const Extra extends Record<string, Flag.Flag<any>> = {}>(
  spec: CompressionCommand<Name, Extra>
) =>
  Command.make(
    spec.name,
    { query: queryFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag, ...(spec.flags ?? ({} as Extra)) },
    (parsed) => {
      // The common flags, whatever a command adds (the generic spread hides their types).
      const flags = parsed as unknown as Common & Values<Extra>
      return Effect.gen(function*() {
        const input = yield* readStdin
        const result = yield* spec.run(input, { ...flags, query: Option.getOrUndefined(flags.query) })
        yield* printCompressed(flags, input, result)
      }).pipe(
        Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
        reportErrors(spec.name)
      )
    }
  ).pipe(
    Command.withShortDescription(spec.short),
    Command.withDescription(spec.description),
    Command.withExamples(spec.examples)
  )
