/**
 * An in-process store with the same rules as the LevelDB one (TTL, size cap, oldest-first
 * eviction, collision check), for tests and for embedding without a disk.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { KeyCollision, UnknownHash } from "../core/errors.ts"
import { digestOf, keyOfDigest } from "../core/hash.ts"
import { type Entry, LEDGER_DAYS, Store, type StoreShape } from "../core/store.ts"

interface Slot extends Entry {
  readonly bytes: Uint8Array
  readonly digest: string
}

export const make = (options: { readonly maxBytes?: number; readonly now?: () => number } = {}): StoreShape => {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
  const now = options.now ?? Date.now
  // Map iteration order is insertion order; re-inserting on touch keeps it oldest-first.
  const slots = new Map<string, Slot>()
  let total = 0
  let ledger: Array<{ readonly at: number; readonly value: Uint8Array }> = []
  const forgetOld = () => {
    const oldest = now() - LEDGER_DAYS * 86_400_000
    ledger = ledger.filter((r) => r.at >= oldest)
  }

  const remove = (key: string) => {
    const slot = slots.get(key)
    if (slot) {
      slots.delete(key)
      total -= slot.size
    }
  }
  const sweep = () => {
    const t = now()
    for (const [key, slot] of slots) if (slot.expiresAt <= t) remove(key)
    for (const key of slots.keys()) {
      // The newest entry is never evicted: a marker written a moment ago must resolve.
      if (total <= maxBytes || slots.size <= 1) break
      remove(key)
    }
  }
  const touch = (slot: Slot, ttlMs: number): Slot => {
    const t = now()
    const next = { ...slot, storedAt: t, expiresAt: Math.max(slot.expiresAt, t + ttlMs) }
    slots.delete(slot.key)
    slots.set(slot.key, next)
    return next
  }
  const live = (key: string): Slot | undefined => {
    const slot = slots.get(key)
    return slot && slot.expiresAt > now() ? slot : undefined
  }

  return {
    location: "memory",
    put: (bytes, ttlMs) =>
      Effect.suspend(() => {
        const digest = digestOf(bytes)
        const key = keyOfDigest(digest)
        const existing = live(key)
        if (existing) {
          if (existing.digest !== digest) return Effect.fail(new KeyCollision({ key }))
          return Effect.succeed(entryOf(touch(existing, ttlMs)))
        }
        remove(key)
        const t = now()
        const slot: Slot = { key, size: bytes.length, storedAt: t, expiresAt: t + ttlMs, bytes: bytes.slice(), digest }
        slots.set(key, slot)
        total += slot.size
        sweep()
        return Effect.succeed(entryOf(slot))
      }),
    get: (key) =>
      Effect.suspend(() => {
        const slot = live(key)
        return slot ? Effect.succeed(slot.bytes.slice()) : Effect.fail(new UnknownHash({ key }))
      }),
    pin: (keys, ttlMs) =>
      Effect.sync(() =>
        keys.filter((key) => {
          const slot = live(key)
          if (slot) touch(slot, ttlMs)
          return slot !== undefined
        })
      ),
    stats: () =>
      Effect.sync(() => {
        sweep()
        forgetOld()
        return { location: "memory", entries: slots.size, bytes: total }
      }),
    record: (at, value) =>
      Effect.sync(() => {
        forgetOld()
        ledger.push({ at, value: value.slice() })
      }),
    records: (since) => Effect.sync(() => ledger.filter((r) => r.at >= since).sort((a, b) => a.at - b.at).map((r) => r.value.slice()))
  }
}

const entryOf = (slot: Slot): Entry => ({
  key: slot.key,
  size: slot.size,
  storedAt: slot.storedAt,
  expiresAt: slot.expiresAt
})

export const layer = (options?: Parameters<typeof make>[0]): Layer.Layer<Store> => Layer.sync(Store, () => make(options))
