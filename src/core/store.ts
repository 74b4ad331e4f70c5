/**
 * The CCR store: originals by content key, kept for a TTL after they were last stored or pinned,
 * under a size cap with oldest-first eviction. Layers: LevelDB (`src/store/level.ts`, the default,
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
}

export class Store extends Context.Service<Store, StoreShape>()("headroom/Store") {}
