import { Effect, Stream } from "effect"
import fc from "fast-check"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CORPUS, reconstruct, runInMemory } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import { lineText, splitLines } from "../core/lines.ts"
import { parseAll } from "../core/marker.ts"
import { retrieve } from "./ccr-get.ts"
import { collectEmitted, logs, logsBytes } from "./logs.ts"
import { isAlert } from "./logs/log-compressor.ts"

const encode = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | string) => typeof b === "string" ? b : new TextDecoder().decode(b)

/** Runs the stream stage over the input cut into the given chunk sizes. */
const streamed = (input: Uint8Array, cuts: ReadonlyArray<number> = []) => {
  const chunks: Array<Uint8Array> = []
  let at = 0
  for (const c of cuts) {
    const end = Math.min(input.length, at + c)
    chunks.push(input.subarray(at, end))
    at = end
  }
  if (at < input.length) chunks.push(input.subarray(at))
  return collectEmitted(Stream.fromIterable(chunks).pipe(logs()))
}

describe("logs on real logs", () => {
  const files = readdirSync(join(CORPUS, "logs")).filter((f) => f.endsWith("_2k.log"))

  it.each(files)("%s: shown lines verbatim, hidden lines behind markers, nothing else", async (file) => {
    const input = readFileSync(join(CORPUS, "logs", file))
    const { output, rebuilt } = await runInMemory(Effect.gen(function*() {
      const c = yield* logsBytes(input)
      const output = toBytes(c.output)
      return { output, rebuilt: yield* reconstruct(output) }
    }))
    expect(Buffer.compare(Buffer.from(rebuilt), input)).toBe(0)
    expect(output.length).toBeLessThan(input.length / 3)
    // Every alert wording appears verbatim at least once.
    const shown = new Set(splitLines(output).map(lineText))
    const lines = splitLines(input).map(lineText)
    const alertsShown = lines.filter(isAlert).every((l) => {
      const masked = l.replace(/[0-9a-f]*\d[0-9a-f]*/gi, "#")
      return [...shown].some((s) => s.replace(/[0-9a-f]*\d[0-9a-f]*/gi, "#") === masked)
    })
    expect(alertsShown).toBe(true)
  })
})

describe("logs keeps what matters", () => {
  const noise = (n: number) => Array.from({ length: n }, (_, i) => `2026-11-20 08:00:${String(i % 60).padStart(2, "0")} INFO heartbeat ok seq=${i}`)

  it("keeps test-runner summaries, stack traces once, first and last lines", async () => {
    const trace = ["java.lang.IllegalStateException: pool exhausted", "\tat com.acme.Pool.take(Pool.java:42)", "\tat com.acme.Worker.run(Worker.java:17)"]
    const lines = [
      ...noise(50), ...trace, ...noise(50), ...trace, ...noise(50),
      "Tests:       2 failed, 98 passed, 100 total",
      "test result: FAILED. 10 passed; 1 failed; 0 ignored",
      "=== 3 failed, 120 passed in 4.20s ===",
      "BUILD FAILED in 12s",
      ...noise(30), "last line"
    ]
    const input = encode(lines.join("\n"))
    const out = text(toBytes((await runInMemory(logsBytes(input))).output)).split("\n")
    expect(out[0]).toBe(lines[0])
    expect(out.at(-1)).toBe("last line")
    for (const l of lines.slice(-35, -31)) expect(out).toContain(l)
    expect(out.filter((l) => l === trace[1])).toHaveLength(1)
    expect(out.filter((l) => l === trace[0])).toHaveLength(1)
    // The line just before the first exception is shown as context.
    expect(out[out.indexOf(trace[0]!) - 1]).toBe(lines[49])
  })

  it("shows every line matching the query", async () => {
    const lines = noise(400)
    lines[277] = "2026-11-20 08:04:37 INFO heartbeat ok seq=277 req=req-7f3a9c"
    const out = text(toBytes((await runInMemory(logsBytes(encode(lines.join("\n")), { query: "req-7f3a9c" }))).output))
    expect(out).toContain(lines[277])
  })

  it("lets ccr-get --query find a hidden line through its marker", async () => {
    const lines = noise(300)
    const matches = await runInMemory(Effect.gen(function*() {
      const out = text(toBytes((yield* logsBytes(encode(lines.join("\n")))).output))
      const [marker] = parseAll(out)
      expect(marker).toMatchObject({ unit: "lines" })
      expect(marker!.count).toBeGreaterThan(250)
      return (yield* retrieve(marker!.key, { query: "seq=137" })).matches!
    }))
    expect(matches.map((m) => m.text)).toEqual([lines[137]])
  })
})

describe("logs properties", () => {
  const line = fc.oneof(
    fc.constantFrom("INFO started", "ERROR failed to bind :8080", "WARN slow response", "\tat a.b.C(C.java:1)", "", "Tests: 1 failed, 2 passed, 3 total"),
    fc.tuple(fc.constantFrom("INFO user", "DEBUG cache", "INFO request"), fc.nat(99999)).map(([a, b]) => `${a} ${b} done`),
    fc.string({ unit: "binary", maxLength: 80 }).map((s) => s.replace(/\n/g, " "))
  )
  const log = fc.tuple(fc.array(line, { maxLength: 400 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
    .map(([ls, eol, final]) => encode(ls.join(eol) + (final && ls.length > 0 ? eol : "")))

  it("rebuilds the input exactly, never longer, the same however the input is cut", async () => {
    await fc.assert(
      fc.asyncProperty(log, fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 40 }), async (input, cuts) => {
        const { whole, pieces, rebuilt } = await runInMemory(Effect.gen(function*() {
          const whole = yield* streamed(input)
          const pieces = yield* streamed(input, cuts)
          return { whole, pieces, rebuilt: yield* reconstruct(toBytes(whole.output)) }
        }))
        expect(Buffer.compare(Buffer.from(toBytes(whole.output)), Buffer.from(toBytes(pieces.output)))).toBe(0)
        expect(Buffer.compare(Buffer.from(rebuilt), Buffer.from(input))).toBe(0)
        expect(toBytes(whole.output).length).toBeLessThanOrEqual(input.length)
      }),
      { numRuns: 300 }
    )
  })

  it("never fails on any bytes, and fails open in batch", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (input) => {
        const c = await runInMemory(logsBytes(input), { minTokens: 0 })
        expect(toBytes(c.output).length).toBeLessThanOrEqual(input.length)
        if (c.passthrough) expect(Buffer.compare(Buffer.from(toBytes(c.output)), Buffer.from(input))).toBe(0)
      }),
      { numRuns: 300 }
    )
  })
})
