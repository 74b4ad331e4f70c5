/**
 * What every eval suite measures the same way: tokens (o200k_base, as for gpt-4o), time (p50 /
 * p95 of repeated runs), and the baseline — plain truncation of the input to the same number of
 * tokens as headroom's output, which is what agents do today.
 */
import { Effect, Layer } from "effect"
import * as Config from "../core/config.ts"
import type { Compressed } from "../core/content.ts"
import { Store, type StoreShape } from "../core/store.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import * as MemoryStore from "../store/memory.ts"

const counter = Tokenizer.make("gpt-4o")
export const tokens = (text: string): number => counter.count(text).tokens

export const decode = (bytes: Uint8Array | string): string => typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes)

/** A compressor as the evals call it: bytes in, a result out, with the store it wrote to. */
export type Compressor = (input: Uint8Array) => Effect.Effect<Compressed, unknown, Store | Config.Config>

export interface Run {
  readonly result: Compressed
  readonly output: string
  readonly store: StoreShape
  readonly p50: number
  readonly p95: number
}

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

/** Runs a compressor `runs` times on a fresh in-memory store each time; times each run. */
export const runCompressor = async (compressor: Compressor, input: Uint8Array, runs = 5): Promise<Run> => {
  const times: Array<number> = []
  let last: { result: Compressed; store: StoreShape } | undefined
  for (let i = 0; i < runs + 1; i++) {
    const store = MemoryStore.make()
    const layer = Layer.merge(Layer.succeed(Store, store), Config.layerWith({ home: "/nonexistent" }))
    const t0 = performance.now()
    const result = await Effect.runPromise(compressor(input).pipe(Effect.provide(layer)))
    if (i > 0) times.push(performance.now() - t0) // the first run warms up
    last = { result, store }
  }
  times.sort((a, b) => a - b)
  const output = decode(last!.result.output)
  return { ...last!, output, p50: percentile(times, 0.5), p95: percentile(times, 0.95) }
}

/** The first lines of a text that fit in `budget` tokens, as `head -n` would give them. */
export const truncateLines = (text: string, budget: number): string => {
  const lines = text.split(/(?<=\n)/)
  let used = 0
  let end = 0
  while (end < lines.length) {
    const cost = tokens(lines[end]!)
    if (used + cost > budget) break
    used += cost
    end++
  }
  return lines.slice(0, end).join("")
}

/** The longest prefix of a text that fits in `budget` tokens, as `head -c` would give it. */
export const truncateChars = (text: string, budget: number): string => {
  let lo = 0
  let hi = text.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (tokens(text.slice(0, mid)) <= budget) lo = mid
    else hi = mid - 1
  }
  return text.slice(0, lo)
}

export const percent = (after: number, before: number): string => before === 0 ? "—" : `${(100 * (1 - after / before)).toFixed(1)}%`
export const ms = (x: number): string => x.toFixed(1)
