import { Effect, Stream } from "effect"
import fc from "fast-check"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CORPUS, runInMemory } from "../../test/helpers.ts"
import { rebuild as reconstruct } from "../../test/rebuild.ts"
import { toBytes } from "../core/content.ts"
import { lineText, splitLines } from "../core/lines.ts"
import { parseAll } from "../core/marker.ts"
import { retrieve } from "./ccr-get.ts"
import { collectEmitted, logs, logsBytes } from "./logs.ts"
import { Store } from "../core/store.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { isAlert } from "./logs/log-compressor.ts"
import { durations, Latencies, valueAlert } from "./logs/values.ts"

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
    fc.string({ unit: "binary", maxLength: 80 }).map((s) => s.replace(/\n/g, " ")),
    // Long lines, some shown (and shortened), in one-, two-, three- and four-byte characters.
    fc.tuple(fc.constantFrom("é", "𝄞", "ab ", "x1,", "✓"), fc.integer({ min: 500, max: 3000 }), fc.nat(9)).map(([u, n, k]) => `${k} ${u.repeat(n)}`)
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

describe("logs alerts by value", () => {
  const p2 = (n: number) => String(Math.floor(n) % 60).padStart(2, "0")
  const ts = (i: number) => `2026-11-20T08:${p2(i / 60)}:${p2(i)}.${String(i % 1000).padStart(3, "0")}Z`
  /** 400 ordinary lines with the planted one after line 250: it, and the lines around it, must be shown. */
  const planted = (ordinary: (i: number) => string, alert: string) => {
    const lines = Array.from({ length: 400 }, (_, i) => ordinary(i))
    lines.splice(250, 0, alert)
    return lines
  }
  const shown = async (lines: ReadonlyArray<string>) => {
    const input = encode(lines.join("\n") + "\n")
    const { output, rebuilt } = await runInMemory(Effect.gen(function*() {
      const output = toBytes((yield* logsBytes(input)).output)
      return { output, rebuilt: yield* reconstruct(output) }
    }))
    expect(Buffer.compare(Buffer.from(rebuilt), Buffer.from(input))).toBe(0)
    return text(output).split("\n")
  }
  const ms = (i: number) => 38 + (i * 7) % 9

  it.each([
    ["the 503 among 200s", (i: number) => `${ts(i)} INFO GET /api/orders completed with 200 in ${ms(i)}ms`, `${ts(250)} INFO GET /api/orders completed with 503 in 30004ms`],
    ["an access log's 503", (i: number) => `10.0.0.${i % 250} - - [20/Nov/2026:08:00:${p2(i)} +0000] "GET /x HTTP/1.1" 200 ${500 + i}`, `10.0.0.9 - - [20/Nov/2026:08:04:10 +0000] "GET /x HTTP/1.1" 503 512`],
    ["status=503", (i: number) => `${ts(i)} level=info msg="request done" path=/api/orders status=200 duration=${ms(i)}ms`, `${ts(250)} level=info msg="request done" path=/api/orders status=503 duration=12ms`],
    ["status: 503", (i: number) => `${ts(i)} INFO upstream response status: 200 for /api/orders`, `${ts(250)} INFO upstream response status: 503 for /api/orders`],
    ["-> 502", (i: number) => `${ts(i)} | INFO | http-2 | GET /api/orders/${i} -> 200 | ${ms(i)}ms`, `${ts(250)} | INFO | http-2 | GET /api/orders/77 -> 502 | 9ms`],
    ["exited with code 137", (i: number) => `${ts(i)} INFO worker ${i} exited with code 0`, `${ts(250)} INFO worker 77 exited with code 137`],
    ["exit status 2", (i: number) => `${ts(i)} INFO job ${i} finished, exit status 0`, `${ts(250)} INFO job 77 finished, exit status 2`],
    ["exit code: 1", (i: number) => `${ts(i)} INFO task ${i} exit code: 0`, `${ts(250)} INFO task 77 exit code: 1`],
    ["rc=1", (i: number) => `${ts(i)} INFO ansible task=${i} host=web-${i % 4} rc=0`, `${ts(250)} INFO ansible task=77 host=web-1 rc=1`],
    ["returned non-zero exit status 2", (i: number) => `${ts(i)} INFO Command 'make step-${i}' returned exit status 0`, `${ts(250)} INFO Command 'make step-77' returned non-zero exit status 2`],
    ["a duration far above its template's", (i: number) => `${ts(i)} INFO GET /api/orders/${i} served in ${ms(i)}ms`, `${ts(250)} INFO GET /api/orders/77 served in 30004ms`],
    ["seconds far above", (i: number) => `${ts(i)} INFO batch ${i} flushed in 0.${1 + i % 8}s`, `${ts(250)} INFO batch 77 flushed in 12.5s`],
    ["duration=30004ms", (i: number) => `${ts(i)} level=info msg=query table=orders duration=${ms(i)}ms`, `${ts(250)} level=info msg=query table=orders duration=30004ms`]
  ])("shows %s, with the line before and after", async (_name, ordinary, alert) => {
    const lines = planted(ordinary, alert)
    const out = await shown(lines)
    const at = out.indexOf(alert)
    expect(at, alert).toBeGreaterThan(0)
    expect(out[at - 1]).toBe(lines[249])
    expect(out[at + 1]).toBe(lines[251])
  })

  it("shows a value alert once per template and value, like an alert word", async () => {
    const lines = planted((i) => `${ts(i)} INFO GET /api/orders completed with ${i % 50 === 7 ? 503 : 200} in ${ms(i)}ms`, `${ts(250)} INFO GET /api/orders completed with 502 in 20ms`)
    const out = await shown(lines)
    expect(out.filter((l) => l.includes(" 503 "))).toHaveLength(1)
    expect(out.filter((l) => l.includes(" 502 "))).toHaveLength(1)
  })

  it("does not take a byte count, an id or exit code 0 for an alert", async () => {
    const lines = Array.from({ length: 400 }, (_, i) => {
      if (i % 3 === 0) return `10.0.0.${i % 250} - - [20/Nov/2026:08:00:${p2(i)} +0000] "GET /x HTTP/1.1" 200 ${i % 30 === 0 ? 503 : 500 + i}`
      if (i % 3 === 1) return `${ts(i)} INFO order id=${i % 40 === 1 ? 503 : i} shipped to port 5${String(i % 100).padStart(2, "0")}`
      return `${ts(i)} INFO worker ${i} exited with code 0 after ${ms(i)}ms`
    })
    const out = await shown(lines)
    expect(out.filter((l) => l !== "" && !l.startsWith("["))).toHaveLength(4) // the first of each template, and the last line
  })

  it("takes values for alerts where tools write them, and not elsewhere", () => {
    const alerts: Array<[string, string | undefined]> = [
      ['10.1.2.3 - - [x] "GET /x HTTP/1.1" 503 512', "status 503"],
      ['10.1.2.3 - - [x] "GET /x HTTP/1.1" 200 503', undefined],
      ["HTTP/1.1 502 Bad Gateway", "status 502"],
      ['{"status": 500, "path": "/x"}', "status 500"],
      ["GET /api/x 503 37ms", "status 503"],
      ["POST https://hooks.example.com/x 504 in 80ms", "status 504"],
      ["Completed 503 Service Unavailable in 30ms", "status 503"],
      ["Sent 503 in 38ms", "status 503"],
      ["sent 503 bytes to client", undefined],
      ["returned 500 rows in 3ms", undefined],
      ["listening on :5030", undefined],
      ["id=503 pid 503 port 503", undefined],
      ["exited with code 137", "exit 137"],
      ["exit status 2", "exit 2"],
      ["exit code: 1", "exit 1"],
      ["exit code 0", undefined],
      ['{"exit_code":1}', "exit 1"],
      ["rc=1", "exit 1"],
      ["src=1", undefined],
      ["returned non-zero exit status 2", "exit 2"],
      ["Main process exited, code=exited, status=2/INVALIDARGUMENT", "exit 2"],
      ['msg="child process exited" cmd=ffmpeg pid=44648 code=2', "exit 2"],
      ["Background saving terminated by signal 9", "signal 9"],
      ["[HRESULT = 0x80070005 - E_ACCESSDENIED]", "hresult 0x80070005"],
      ["[HRESULT = 0x00000000 - S_OK]", undefined]
    ]
    for (const [line, want] of alerts) expect(valueAlert(line), line).toBe(want)
  })

  it("reads durations in the units logs use", () => {
    expect(durations("served in 30004ms")).toEqual([30004])
    expect(durations("took 12.5s, queued 250 µs")).toEqual([12500, 0.25])
    expect(durations("elapsed 1m30.5s")).toEqual([90500])
    expect(durations("duration=41ms duration_ms=30004")).toEqual([41, 30004])
    expect(durations("v1.5s x2s 08:00:01.123 in the 5s")).toEqual([5000])
    expect(durations("0/0/2/30002/30004 201 8168")).toEqual([30004])
  })

  it("calls a duration an outlier only against enough of its own kind, not fooled by a slow start or a wide spread", () => {
    const steady = new Latencies()
    expect(steady.observe(1, 3000)).toBe(false) // a cold start: nothing to compare with yet
    const flags = Array.from({ length: 300 }, (_, i) => steady.observe(1, 38 + (i * 7) % 9))
    expect(flags.some(Boolean)).toBe(false)
    expect(steady.observe(1, 30004)).toBe(true)
    expect(steady.observe(1, 300)).toBe(false) // 7x the usual: slower, not an outlier
    expect(steady.observe(2, 30004)).toBe(false) // another series knows nothing yet

    const wide = new Latencies()
    const spread = Array.from({ length: 2000 }, (_, i) => wide.observe(1, i % 97))
    expect(spread.some(Boolean)).toBe(false)
  })
})

describe("logs on lines too long to read or to hold", () => {
  const lorem = "lorem ipsum dolor sit amet 12345 "
  const long = (n: number, unit = lorem) => unit.repeat(Math.ceil(n / unit.length))

  it("one huge line without a newline: small output, every byte behind its markers, the same however it is cut", async () => {
    const input = encode(long(9_000_000))
    const { a, b, rebuilt } = await runInMemory(Effect.gen(function*() {
      const a = yield* streamed(input, Array.from({ length: 200 }, () => 65536))
      const b = yield* streamed(input, [1_000_003, 3_333_333])
      return { a, b, rebuilt: yield* reconstruct(toBytes(a.output)) }
    }))
    expect(Buffer.compare(Buffer.from(toBytes(a.output)), Buffer.from(toBytes(b.output)))).toBe(0)
    expect(toBytes(a.output).length).toBeLessThan(3000)
    expect(Buffer.compare(Buffer.from(rebuilt), Buffer.from(input))).toBe(0)
    expect(a.dropped.chars).toBeGreaterThan(8_990_000)
  })

  it("never cuts inside a character: every hidden piece is whole UTF-8", async () => {
    const input = encode(`start ${long(3_000_000, "héllo wörld ✓ 𝄞 ")}\nnext line\n`)
    const parts = await runInMemory(Effect.gen(function*() {
      const c = yield* streamed(input, [777_777, 1])
      const store = yield* Store
      const out = toBytes(c.output)
      expect(Buffer.compare(Buffer.from(yield* reconstruct(out)), Buffer.from(input))).toBe(0)
      return yield* Effect.forEach(parseAll(text(out)), (m) => store.get(m.key))
    }))
    expect(parts.length).toBeGreaterThan(0)
    const strict = new TextDecoder("utf-8", { fatal: true })
    for (const part of parts) expect(() => strict.decode(part)).not.toThrow()
  })

  it("a long line shown keeps its head and tail around a marker; with a query, the place it matches", async () => {
    const blob = `{"event":"sync","items":[${Array.from({ length: 400 }, (_, i) => `{"id":${i},"sku":"item-${i}"}`).join(",")}]}`
    const lines = [`2026-11-20 08:00:00 INFO payload ${blob}`, ...Array.from({ length: 200 }, (_, i) => `2026-11-20 08:00:01 INFO heartbeat ok seq=${i}`)]
    const input = encode(lines.join("\n") + "\n")
    const { plain, asked } = await runInMemory(Effect.gen(function*() {
      const plain = toBytes((yield* logsBytes(input)).output)
      const asked = toBytes((yield* logsBytes(input, { query: "item-201" })).output)
      for (const out of [plain, asked]) expect(Buffer.compare(Buffer.from(yield* reconstruct(out)), Buffer.from(input))).toBe(0)
      return { plain: text(plain), asked: text(asked) }
    }))
    const first = plain.split("\n")[0]!
    expect(first.length).toBeLessThan(2000)
    expect(first.startsWith(lines[0]!.slice(0, 900))).toBe(true)
    expect(first.endsWith(lines[0]!.slice(-300))).toBe(true)
    expect(parseAll(first)).toMatchObject([{ unit: "chars" }])
    expect(plain).not.toContain('"item-201"')
    expect(asked).toContain('"item-201"')
  })
})

describe("logs never costs more tokens", () => {
  const count = (b: Uint8Array) => Tokenizer.make("gpt-4o").count(text(b)).tokens
  const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november"]

  it("does not replace a short run with a marker that costs more tokens than its lines", async () => {
    // A new template, then one repeat of the first: every run is one wordy line, and its marker is denser.
    const lines = words.flatMap((w, i) => [
      `${w} configuration synchronization completed successfully for the primary replication subsystem everywhere`,
      `alpha configuration synchronization completed successfully for the primary replication subsystem instance ${i}`
    ])
    const input = encode(lines.join("\n") + "\n")
    const c = await runInMemory(logsBytes(input), { minTokens: 0 })
    expect(count(toBytes(c.output))).toBeLessThanOrEqual(count(input))
  })
})
