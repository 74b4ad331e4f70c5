/**
 * The CCR store: originals by content key, kept for a TTL after they were last stored or pinned,
 * under a size cap with oldest-first eviction; and beside them the ledger of the proxy's work. Layers: LevelDB (`src/store/level.ts`, the default,
 * shared safely by several processes) and memory (`src/store/memory.ts`, for tests).
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type { KeyCollision, StoreUnavailable, UnknownHash } from "./errors.ts"

export interface Entry {
  readonly key: string
  readonly size: number
  readonly storedAt: number
  readonly expiresAt: number
}

export interface StoreStats {
  readonly location: string
  readonly entries: number
  readonly bytes: number
}

export interface StoreShape {
  /** Where the originals live, for messages. */
  readonly location: string
  /**
   * Stores bytes under their key. Idempotent: storing the same bytes again only extends the TTL.
   * Atomic: either the whole entry is stored or nothing is.
   */
  put(bytes: Uint8Array, ttlMs: number): Effect.Effect<Entry, StoreUnavailable | KeyCollision>
  /** The original bytes, exactly as stored. */
  get(key: string): Effect.Effect<Uint8Array, UnknownHash | StoreUnavailable>
  /** Extends the TTL of the keys that are stored; returns those that were. */
  pin(keys: ReadonlyArray<string>, ttlMs: number): Effect.Effect<ReadonlyArray<string>, StoreUnavailable>
  /** Entry count and bytes of originals, after dropping expired entries and evicting past the cap. */
  stats(): Effect.Effect<StoreStats, StoreUnavailable>
  /**
   * Appends a record to the ledger (what the proxy did, for `headroom stats`): kept apart from the
   * originals, in time order, for LEDGER_DAYS.
   */
  record(at: number, value: Uint8Array): Effect.Effect<void, StoreUnavailable>
  /** The ledger's records from `since` (epoch ms) on, oldest first. */
  records(since: number): Effect.Effect<ReadonlyArray<Uint8Array>, StoreUnavailable>
}

/** How long the ledger keeps a record. */
export const LEDGER_DAYS = 90

export class Store extends Context.Service<Store, StoreShape>()("headroom/Store") {}
