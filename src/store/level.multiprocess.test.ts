/**
 * Several processes share one LevelDB store: one hosts, the others reach it through the host,
 * and when the host dies (SIGKILL) another takes over. Nothing acknowledged may be lost.
 */
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { headroom, removeHome, ROOT, tempHome } from "../../test/helpers.ts"
import { contentOf } from "../../test/store-worker.ts"
import * as LevelStore from "./level.ts"

const WORKER = join(ROOT, "test", "store-worker.ts")

interface Worker {
  readonly child: ChildProcess
  readonly keys: Array<string>
  readonly ready: Promise<void>
  readonly exited: Promise<number | null>
}

const startWorker = (home: string, id: string, count: number, delayMs: number): Worker => {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, home, id, String(count), String(delayMs)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"]
  })
  const keys: Array<string> = []
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((r) => (markReady = r))
  let buffered = ""
  child.stdout!.on("data", (d: Buffer) => {
    buffered += d.toString()
    const lines = buffered.split("\n")
    buffered = lines.pop() ?? ""
    for (const line of lines) {
      if (line === "ready") markReady()
      else if (/^[0-9a-f]{12}$/.test(line)) keys.push(line)
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  const timer = setTimeout(() => child.kill("SIGKILL"), 100_000)
  void exited.then(() => clearTimeout(timer))
  return { child, keys, ready, exited }
}

const readBack = async (home: string, expected: Map<string, string>) => {
  const store = await Effect.runPromise(LevelStore.open({ home, maxBytes: 1e9 }))
  const wrong: Array<string> = []
  for (const [key, content] of expected) {
    const got = await Effect.runPromise(Effect.result(store.get(key)))
    if (got._tag !== "Success" || new TextDecoder().decode(got.success) !== content) wrong.push(key)
  }
  await Effect.runPromise(store.close)
  return wrong
}

let home: string | undefined
afterEach(() => home && removeHome(home))

describe("the LevelDB store under several processes", () => {
  it("takes 4 processes × 200 puts at once and returns every entry intact", async () => {
    home = tempHome()
    const workers = ["a", "b", "c", "d"].map((id) => startWorker(home!, id, 200, 0))
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0])
    const expected = new Map<string, string>()
    workers.forEach((w, n) => w.keys.forEach((k, i) => expected.set(k, contentOf("abcd"[n]!, i))))
    expect(expected.size).toBe(800)
    expect(await readBack(home, expected)).toEqual([])
  }, 120_000)

  it("carries on when the hosting process is killed, losing nothing acknowledged", async () => {
    home = tempHome()
    const host = startWorker(home, "host", 10_000, 5)
    await host.ready
    const guests = ["x", "y", "z"].map((id) => startWorker(home!, id, 150, 2))
    await Promise.all(guests.map((g) => g.ready))
    while (guests.some((g) => g.keys.length < 20)) await new Promise((r) => setTimeout(r, 20))
    host.child.kill("SIGKILL")
    expect(await host.exited).toBe(null)
    expect(await Promise.all(guests.map((g) => g.exited))).toEqual([0, 0, 0])
    const expected = new Map<string, string>()
    host.keys.forEach((k, i) => expected.set(k, contentOf("host", i)))
    guests.forEach((g, n) => g.keys.forEach((k, i) => expected.set(k, contentOf("xyz"[n]!, i))))
    expect(guests.every((g) => g.keys.length === 150)).toBe(true)
    expect(await readBack(home, expected)).toEqual([])
  }, 120_000)

  it("serves concurrent `headroom ccr-put` commands", async () => {
    home = tempHome()
    const shell = async (id: number) => {
      const keys: Array<[string, string]> = []
      for (let i = 0; i < 20; i++) {
        const content = contentOf(`cli${id}`, i)
        const run = await headroom(["ccr-put"], { home: home!, input: content })
        expect(run.code, run.stderr).toBe(0)
        keys.push([/hash=([0-9a-f]{12})/.exec(run.stdout.toString())![1]!, content])
      }
      return keys
    }
    const all = (await Promise.all([0, 1, 2, 3].map(shell))).flat()
    expect(await readBack(home, new Map(all))).toEqual([])
  }, 120_000)
})
