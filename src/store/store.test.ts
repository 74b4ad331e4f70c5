/** One suite, run against both stores: they must keep the same rules. */
import { Effect, Exit } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { removeHome, tempHome } from "../../test/helpers.ts"
import { keyOf } from "../core/hash.ts"
import { LEDGER_DAYS, type StoreShape } from "../core/store.ts"
import * as LevelStore from "./level.ts"
import * as MemoryStore from "./memory.ts"

const bytes = (s: string) => new TextEncoder().encode(s)
const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e)
const homes: Array<string> = []
afterAll(() => homes.forEach(removeHome))

type Open = (maxBytes: number) => Promise<StoreShape & { close?: Effect.Effect<void> }>

const suites: Array<[string, Open]> = [
  ["memory", async (maxBytes) => MemoryStore.make({ maxBytes })],
  ["level", async (maxBytes) => {
    const home = tempHome()
    homes.push(home)
    return run(LevelStore.open({ home, maxBytes }))
  }]
]

describe.each(suites)("%s store", (_name, open) => {
  it("returns what was put, byte for byte, under its content key", async () => {
    const store = await open(1e9)
    const data = new Uint8Array([0, 255, 10, 13, 0xc3, 0x28, 1, 2, 3])
    const entry = await run(store.put(data, 60_000))
    expect(entry.key).toBe(keyOf(data))
    expect(Buffer.from(await run(store.get(entry.key)))).toEqual(Buffer.from(data))
    await run(store.close ?? Effect.void)
  })

  it("is idempotent and answers an unknown key with UnknownHash", async () => {
    const store = await open(1e9)
    const a = await run(store.put(bytes("same"), 60_000))
    const b = await run(store.put(bytes("same"), 60_000))
    expect(b.key).toBe(a.key)
    expect((await run(store.stats())).entries).toBe(1)
    const exit = await Effect.runPromiseExit(store.get("0123456789ab"))
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("UnknownHash")
    await run(store.close ?? Effect.void)
  })

  it("forgets an original after its TTL, unless pinned", async () => {
    const store = await open(1e9)
    const short = await run(store.put(bytes("short-lived"), 150))
    const pinned = await run(store.put(bytes("pinned"), 150))
    expect(await run(store.pin([pinned.key, "ffffffffffff"], 60_000))).toEqual([pinned.key])
    await new Promise((r) => setTimeout(r, 300))
    expect(Exit.isFailure(await Effect.runPromiseExit(store.get(short.key)))).toBe(true)
    expect(new TextDecoder().decode(await run(store.get(pinned.key)))).toBe("pinned")
    await run(store.close ?? Effect.void)
  })

  it("evicts the oldest originals past the size cap, never the newest", async () => {
    const store = await open(250)
    const keys: Array<string> = []
    for (let i = 0; i < 5; i++) {
      keys.push((await run(store.put(bytes(`${i}`.repeat(100)), 60_000))).key)
      await new Promise((r) => setTimeout(r, 5))
    }
    const stats = await run(store.stats())
    expect(stats.bytes).toBeLessThanOrEqual(250)
    const alive = await Promise.all(keys.map(async (k) => Exit.isSuccess(await Effect.runPromiseExit(store.get(k)))))
    expect(alive).toEqual([false, false, false, true, true])
    const huge = await run(store.put(bytes("x".repeat(1000)), 60_000))
    expect((await run(store.get(huge.key))).length).toBe(1000)
    await run(store.close ?? Effect.void)
  })

  it("keeps ledger records in time order, apart from the originals, and forgets them after LEDGER_DAYS", async () => {
    const store = await open(1e9)
    const day = 86_400_000
    const now = Date.now()
    await run(store.record(now - 2 * day, bytes("two days ago")))
    await run(store.record(now, bytes("now, first")))
    await run(store.record(now, bytes("now, second")))
    await run(store.record(now - (LEDGER_DAYS + 1) * day, bytes("too old")))
    const decode = (xs: ReadonlyArray<Uint8Array>) => xs.map((x) => new TextDecoder().decode(x))
    expect(decode(await run(store.records(now - day)))).toEqual(expect.arrayContaining(["now, first", "now, second"]))
    expect(decode(await run(store.records(now - day)))).toHaveLength(2)
    expect(decode(await run(store.records(now - 3 * day)))[0]).toBe("two days ago")
    await run(store.record(now, bytes("once more")))
    await run(store.stats())
    expect(decode(await run(store.records(0)))).not.toContain("too old")
    expect((await run(store.stats())).entries).toBe(0)
    await run(store.close ?? Effect.void)
  })
})
