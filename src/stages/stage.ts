/**
 * What a compressing stage is, once: its name, what it is for, the content types `compress`
 * hands it, its options, and how it runs — as an Effect over the whole input, and, for a stage
 * that streams (logs), as a stream. The registry (registry.ts) lists every stage; `compress`
 * dispatches by it, the CLI makes one command per stage from it, `headroom/effect` exports it,
 * and the tests check that every stage has its man page and its help. Adding a stage is one file
 * with its descriptor, a line in the registry, and its tests.
 *
 * @since 0.2.0
 */
import type { Effect, Stream } from "effect"
import type { Config } from "../core/config.ts"
import type { Compressed, ContentType, Emitted } from "../core/content.ts"
import type { StoreError, UserError } from "../core/errors.ts"
import type { Store } from "../core/store.ts"

/** An option of a stage beyond the common ones: free text, or one of a few choices. */
export type OptionSpec =
  | { readonly kind: "text"; readonly description: string }
  | { readonly kind: "choice"; readonly choices: ReadonlyArray<string>; readonly description: string }

/** What every compressing stage accepts. */
export interface CommonOptions {
  /** The question at hand: what is relevant to it is kept whole. */
  readonly query?: string | undefined
  /** How long the original is kept; defaults to the settings. */
  readonly ttlMs?: number | undefined
  /** The content type, when the caller knows it (compress passes the one it detected). */
  readonly type?: ContentType | undefined
}

export interface Stage<Options extends Record<string, string | undefined> = {}> {
  readonly name: string
  /** One line, for the list of commands. */
  readonly summary: string
  /** What it does, for `--help` (the man page says more). */
  readonly description: string
  readonly examples: ReadonlyArray<{ readonly command: string; readonly description: string }>
  /** Whether `compress` hands content of this type to this stage. */
  readonly handles: (type: ContentType) => boolean
  /**
   * True when every line of its output is a line of its input or a line marker (code and the
   * line stages): such a stage may compress the file inside an envelope (numbered lines), which
   * is then put back on each kept line.
   */
  readonly keepsLines?: boolean
  /** Options beyond the common ones, by flag name. */
  readonly options: { readonly [K in keyof Options]-?: OptionSpec }
  readonly run: (
    input: Uint8Array,
    options: CommonOptions & { readonly [K in keyof Options]?: Options[K] }
  ) => Effect.Effect<Compressed, UserError, Store | Config>
  /** The stream form of a stage that prints as it reads (logs): output as decided, then `Done`. */
  readonly stream?: (
    options: CommonOptions
  ) => <E, R>(input: Stream.Stream<Uint8Array, E, R>) => Stream.Stream<Emitted, E | StoreError, R | Store | Config>
}

/** A stage with its options' types forgotten, as lists of stages hold them. */
export interface AnyStage extends Omit<Stage, "options" | "run"> {
  readonly options: Readonly<Record<string, OptionSpec>>
  readonly run: (
    input: Uint8Array,
    options: CommonOptions & { readonly [option: string]: unknown }
  ) => Effect.Effect<Compressed, UserError, Store | Config>
}

/** Declares a stage, keeping its options' types for its own `run`. */
export const stage = <Options extends Record<string, string | undefined> = {}>(spec: Stage<Options>): AnyStage =>
  spec as unknown as AnyStage
