/**
 * How a line stage shows a long line: whole when it is short, else its head and tail (and, with a
 * query, the place the query stands) around in-line markers, each hidden part stored first so the
 * marker returns exactly it. Shared by logs, search and diff.
 *
 * @since 0.2.0
 */
import { Effect } from "effect"
import type { StoreError } from "../core/errors.ts"
import { LONG_LINE_BYTES, placeOf, shortenLine } from "../core/lines.ts"
import type { Query } from "../core/query.ts"
import { Store } from "../core/store.ts"

export interface Shown {
  readonly line: Uint8Array
  /** Characters left out of it (0 when shown whole). */
  readonly chars: number
}

export const showLine = (line: Uint8Array, query: Query | undefined, ttlMs: number): Effect.Effect<Shown, StoreError, Store> =>
  Effect.gen(function*() {
    if (line.length <= LONG_LINE_BYTES) return { line, chars: 0 }
    const short = shortenLine(line, query ? placeOf(line, query) : undefined)
    if (!short) return { line, chars: 0 }
    const store = yield* Store
    for (const part of short.hidden) yield* store.put(part, ttlMs)
    return { line: short.line, chars: short.chars }
  })
