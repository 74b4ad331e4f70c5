/**
 * The crush stage: JSON bytes in, smaller JSON out (JSON Lines in, fewer JSON Lines out), the
 * original stored in CCR when anything changed. As an Effect (`crushBytes`), as a stream stage
 * (`crush`), and as `headroom crush`.
 *
 * @example
 * fromText(json).pipe(crush({ query: "timeout" }), Stream.runCollect)
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, decodeUtf8, unchanged } from "../core/content.ts"
import { BinaryInput, InvalidJson, type KeyCollision, type StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { Store } from "../core/store.ts"
import { crushText, type CrushResult } from "./crush/crush-text.ts"
import { failOpen } from "./fail-open.ts"
import { wholeInput } from "./input.ts"
import { stage } from "./stage.ts"

export interface CrushOptions {
  /** Items relevant to this question are kept whole. */
  readonly query?: string | undefined
  /** How long the original is kept; defaults to the configured TTL. */
  readonly ttlMs?: number | undefined
}

export type CrushError = InvalidJson | BinaryInput | StoreUnavailable | KeyCollision

/**
 * Crushes JSON or JSON Lines bytes. Fails on input that is neither (the CLI reports it) or when
 * the original cannot be stored; any other failure returns the input unchanged (fail open).
 */
export const crushBytes = (
  input: Uint8Array,
  options: CrushOptions = {}
): Effect.Effect<Compressed, CrushError, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    const text = decodeUtf8(input)
    if (text === undefined) return yield* new BinaryInput({ expected: "JSON text" })
    const key = keyOf(input)
    let result: CrushResult
    try {
      // A byte-order mark is not JSON; the stored original keeps it.
      const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
      result = crushText(json, { key, query: options.query, minTokens: settings.minTokens })
    } catch (e) {
      if (e instanceof InvalidJson) return yield* e
      throw e // a defect: failOpen below returns the input
    }
    if (!result.changed) return unchanged(input, "crush", "json", result.reason ?? "not-smaller")
    const store = yield* Store
    yield* store.put(input, options.ttlMs ?? settings.ttlMs)
    return {
      output: result.text,
      stage: "crush",
      type: "json",
      key,
      bytesBefore: input.length,
      bytesAfter: Buffer.byteLength(result.text, "utf8"),
      dropped: result.dropped
    } satisfies Compressed
  }).pipe(failOpen(input, "crush", "json"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const crush = (options: CrushOptions = {}) => wholeInput((bytes) => crushBytes(bytes, options))

export const crushStage = stage({
  name: "crush",
  summary: "compress JSON and JSON Lines (tables, then keep what matters); original stored",
  description:
    "Compress JSON from stdin: lossless first (minified, uniform arrays as tables, constant fields factored out), " +
    "then large arrays keep their first and last items, every error (5xx, non-zero exit codes, failed states), " +
    "outliers, change points and items matching --query, with a marker where items are not shown that counts " +
    "the errors and values it hides. JSON Lines keeps each kept record's line as it is. The original is stored; " +
    "`headroom ccr-get HASH` returns it.",
  examples: [
    { command: "kubectl get pods -o json | headroom crush", description: "crush a large API response" },
    { command: "headroom crush --query 'req-7f3a' < requests.json", description: "keep the items about one request whole" },
    { command: "headroom crush --json < big.json | jq .reduction", description: "machine-readable figures" }
  ],
  handles: (type) => type === "json",
  options: {},
  run: (input, options) => crushBytes(input, options)
})
