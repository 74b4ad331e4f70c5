/**
 * How a stage that sees its whole input ends: unchanged when it would not be smaller; otherwise
 * the original is stored (its markers name it) and the result says what was hidden.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Compressed, type ContentType, type Dropped, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { Config } from "../core/config.ts"
import { Store } from "../core/store.ts"

/** For a line stage: its output is the kept lines and line markers, in order. */
export const finishLines = (
  input: Uint8Array,
  stage: string,
  type: ContentType,
  out: ReadonlyArray<Uint8Array>,
  hiddenLines: number,
  ttlMs: number | undefined
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    if (hiddenLines === 0) return unchanged(input, stage, type, "not-smaller")
    const output = Buffer.concat(out as Array<Uint8Array>)
    if (output.length >= input.length) return unchanged(input, stage, type, "not-smaller")
    const { key } = yield* (yield* Store).put(input, ttlMs ?? (yield* Config).ttlMs)
    return { output, stage, type, key, bytesBefore: input.length, bytesAfter: output.length, dropped: { lines: hiddenLines } }
  })

/** For a stage that rewrote its input as one text. */
export const finishText = (
  input: Uint8Array,
  stage: string,
  type: ContentType,
  output: string,
  dropped: Dropped,
  ttlMs: number | undefined
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    const bytesAfter = Buffer.byteLength(output, "utf8")
    if (bytesAfter >= input.length) return unchanged(input, stage, type, "not-smaller")
    const { key } = yield* (yield* Store).put(input, ttlMs ?? (yield* Config).ttlMs)
    return { output, stage, type, key, bytesBefore: input.length, bytesAfter, dropped }
  })
