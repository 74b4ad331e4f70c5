/**
 * How a line stage that sees its whole input ends: unchanged when it hid nothing or would not be
 * smaller; otherwise the original is stored (its markers name line ranges of it) and the result
 * says what was hidden.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Compressed, type ContentType, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { Store } from "../core/store.ts"

export const finishLines = (
  input: Uint8Array,
  stage: string,
  type: ContentType,
  out: ReadonlyArray<Uint8Array>,
  hiddenLines: number,
  ttlMs: number
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store> =>
  Effect.gen(function*() {
    if (hiddenLines === 0) return unchanged(input, stage, type, "not-smaller")
    const output = Buffer.concat(out as Array<Uint8Array>)
    if (output.length >= input.length) return unchanged(input, stage, type, "not-smaller")
    const { key } = yield* (yield* Store).put(input, ttlMs)
    return { output, stage, type, key, bytesBefore: input.length, bytesAfter: output.length, dropped: { lines: hiddenLines } }
  })
