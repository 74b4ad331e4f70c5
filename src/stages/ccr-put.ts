/**
 * The ccr-put stage: stores whatever reaches it and answers with its marker. It also pins
 * (extends the TTL of) every original referenced by a marker in its input, so that
 * `headroom crush | headroom ccr-put` keeps the crushed text and what it points at alike.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, decodeUtf8 } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { referencedKeys, render } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { wholeInput } from "./input.ts"

export interface Stored extends Compressed {
  readonly key: string
  /** Keys referenced by markers in the input whose TTL was extended. */
  readonly pinned: ReadonlyArray<string>
  readonly expiresAt: number
}

const countLines = (text: string): number => {
  if (text === "") return 0
  let lines = 1
  for (let i = text.indexOf("\n"); i !== -1 && i < text.length - 1; i = text.indexOf("\n", i + 1)) lines++
  return lines
}

export const ccrPutBytes = (
  input: Uint8Array,
  options: { readonly ttlMs?: number | undefined } = {}
): Effect.Effect<Stored, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    const store = yield* Store
    const ttlMs = options.ttlMs ?? settings.ttlMs
    const entry = yield* store.put(input, ttlMs)
    const text = decodeUtf8(input)
    const key = keyOf(input)
    const pinned = text === undefined ? [] : yield* store.pin(referencedKeys(text).filter((k) => k !== key), ttlMs)
    const marker = text === undefined
      ? render({ key, count: input.length, unit: "bytes" })
      : render({ key, count: countLines(text), unit: "lines" })
    const output = `${marker}\n`
    return {
      output,
      stage: "ccr-put",
      type: text === undefined ? "binary" : "text",
      key,
      bytesBefore: input.length,
      bytesAfter: Buffer.byteLength(output, "utf8"),
      dropped: text === undefined ? {} : { lines: countLines(text) },
      pinned,
      expiresAt: entry.expiresAt
    }
  })

export const ccrPut = (options: { readonly ttlMs?: number | undefined } = {}) => wholeInput((bytes) => ccrPutBytes(bytes, options))
