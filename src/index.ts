/**
 * headroom as a plain library: Promise functions over the stages, with the originals kept in
 * the local LevelDB store (`$HEADROOM_HOME`, default `~/.headroom`) unless told otherwise.
 * The Effect API is in `headroom/effect`.
 *
 * @example
 * import { crushJson, retrieveOriginal } from "headroom"
 * const { output, key } = await crushJson(bigApiResponse, { query: "timeout" })
 * const original = await retrieveOriginal(key!)
 *
 * @since 0.1.0
 */
import { type Effect, ManagedRuntime } from "effect"
import * as Config from "./core/config.ts"
import type { Compressed, ContentType } from "./core/content.ts"
import { InvalidArgument } from "./core/errors.ts"
import { type Retrieved, retrieve, type RetrieveOptions } from "./stages/ccr-get.ts"
import { ccrPutBytes, type Stored } from "./stages/ccr-put.ts"
import { compressBytes } from "./stages/compress.ts"
import { crushBytes } from "./stages/crush.ts"
import { detect } from "./stages/detect.ts"
import { compressMessages, compressRequest as compressRequestEffect, type RequestStats } from "./pipeline/compress-request.ts"
import { Memo } from "./pipeline/memo.ts"
import type { Provider } from "./providers/conversation.ts"
import * as Runtime from "./runtime.ts"

export type { Compressed, ContentType, Provider, RequestStats, Retrieved, RetrieveOptions, Stored }
export { BinaryInput, InvalidArgument, InvalidJson, InvalidKey, StoreUnavailable, UnknownHash } from "./core/errors.ts"

export interface Options {
  /** Items relevant to this question are kept whole. */
  readonly query?: string
  /** How long the original is kept, e.g. "7d"; defaults to settings. */
  readonly ttl?: string
}

let runtime: ManagedRuntime.ManagedRuntime<Runtime.Services, unknown> | undefined

/**
 * Where originals are kept: `"level"` (default, the shared LevelDB store under `$HEADROOM_HOME`)
 * or `"memory"` (this process only). Call before the first compression.
 */
export const useStore = (kind: "level" | "memory", settings: Config.Overrides = {}): void => {
  void runtime?.dispose()
  runtime = ManagedRuntime.make(Runtime.layer(settings, kind))
}

const run = <A, E>(effect: Effect.Effect<A, E, Runtime.Services>): Promise<A> => {
  if (!runtime) useStore("level")
  return runtime!.runPromise(effect)
}

const ttlOptions = (options: Options) => {
  if (options.ttl === undefined) return {}
  const ttlMs = Config.parseDuration(options.ttl)
  if (ttlMs === undefined) throw new InvalidArgument({ name: "ttl", value: options.ttl, expected: "a duration like 7d, 12h or 30m" })
  return { ttlMs }
}

const bytesOf = (input: string | Uint8Array) => typeof input === "string" ? new TextEncoder().encode(input) : input

/** Crushes JSON text; rejects with `InvalidJson` when it is not JSON. */
export const crushJson = async (input: string | Uint8Array, options: Options = {}): Promise<Compressed> =>
  run(crushBytes(bytesOf(input), { query: options.query, ...ttlOptions(options) }))

/** Compresses any content with the compressor for its detected type. */
export const compressText = async (input: string | Uint8Array, options: Options = {}): Promise<Compressed> =>
  run(compressBytes(bytesOf(input), { query: options.query, ...ttlOptions(options) }))

/** Stores content and returns its marker and key. */
export const storeOriginal = async (input: string | Uint8Array, options: Pick<Options, "ttl"> = {}): Promise<Stored> =>
  run(ccrPutBytes(bytesOf(input), ttlOptions(options)))

/** The original behind a key: whole, a line range, or the matches of a query. */
export const retrieveOriginal = async (key: string, options: RetrieveOptions = {}): Promise<Retrieved> =>
  run(retrieve(key, options))

/** The content type of some content, from its bytes. */
export const detectType = (input: string | Uint8Array): ContentType => detect(bytesOf(input))

export interface ConversationOptions {
  /** The wire format (`anthropic`, `openai-chat`, `openai-responses`, `gemini`); detected when not given. */
  readonly provider?: Provider
  /** The model the request is for: its tokenizer's scale for the stats' estimates. */
  readonly model?: string
  /** More focus: what the conversation is about. */
  readonly query?: string
}

/** What this process worked out for earlier calls: a conversation's next turn costs only its new blocks. */
const memo = new Memo()

/**
 * An agent's messages made smaller, in the format they came in: tool results compressed by what
 * their calls say they are, repeats referenced, markers the agent can follow with its own tools.
 * Cache-safe: the result for a conversation is a prefix of the result for its next turn.
 *
 * @example
 * const { messages: smaller, stats } = await compress(messages, { model: "claude-sonnet-4-5" })
 */
export const compress = async <M>(messages: ReadonlyArray<M>, options: ConversationOptions = {}): Promise<{ readonly messages: Array<M>; readonly stats: RequestStats }> => {
  const { messages: out, stats } = await run(compressMessages(messages, { provider: options.provider, query: options.query, model: options.model, memo }))
  return { messages: out as Array<M>, stats }
}

/** A whole request body (system, tools, messages) made smaller; what a proxy calls. */
export const compressRequest = async <B>(body: B, options: ConversationOptions = {}): Promise<{ readonly body: B; readonly stats: RequestStats }> => {
  const { body: out, stats } = await run(compressRequestEffect(body, { provider: options.provider, query: options.query, model: options.model, memo }))
  return { body: out as B, stats }
}
