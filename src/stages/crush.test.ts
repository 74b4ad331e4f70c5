import { Effect } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { dpkgJsonLines, dpkgRecords } from "../../fixtures/crush/dpkg.ts"
import { logItems } from "../evals/generate.ts"
import { CORPUS, runInMemory } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import { InvalidJson } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { type Json, parse } from "../core/json.ts"
import { parseAll } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { crushBytes } from "./crush.ts"
import { crushText } from "./crush/crush-text.ts"
import { expandTables } from "./crush/table.ts"

const tokenizer = Tokenizer.make("gpt-4o")
const tokens = (s: string) => tokenizer.count(s).tokens
const crush = (text: string, query?: string) => crushText(text, { key: keyOf(text), query, minTokens: 200 })
/** The items of the output's top-level array, tables expanded, markers left out. */
const itemsOf = (out: string): Array<Json> =>
  (expandTables(parse(out).value) as Array<Json>).filter((x) => typeof x !== "string")

describe("crush on generated log-like arrays", () => {
  it.each([100, 1000, 10_000])("%i items: at least 85 percent fewer tokens, every planted error verbatim, the needle by query", (n) => {
    const planted = logItems(n)
    const text = JSON.stringify(planted.items, null, 2)
    const result = crush(text)
    expect(result.changed).toBe(true)
    const reduction = 1 - tokens(result.text) / tokens(text)
    expect(reduction).toBeGreaterThanOrEqual(0.85)
    const kept = itemsOf(result.text)
    for (const i of planted.errorIndexes) expect(kept).toContainEqual(planted.items[i])
    expect(kept).not.toContainEqual(planted.items[planted.needleIndex])
    expect(itemsOf(crush(text, planted.needle).text)).toContainEqual(planted.items[planted.needleIndex])
    // Every gap is marked in place, and the counts add up.
    const markers = parseAll(result.text)
    expect(markers.reduce((sum, m) => sum + m.count, 0) + kept.length).toBe(n)
    expect(result.dropped.items).toBe(n - kept.length)
  })

  it('does not keep items for holding "error": null or a timeout setting', () => {
    const items = logItems(1000).items.map((item, i) => ({ ...item, level: "INFO", status: 200, error: null, message: `GET /health ${i}`, timeout_ms: 30 }))
    const kept = itemsOf(crush(JSON.stringify(items)).text)
    expect(kept.length).toBeLessThan(40)
  })

  it("recognises errors from values: 5xx, non-zero exit codes, failed flags, error text", () => {
    const base = Array.from({ length: 60 }, (_, i) => ({ id: i, step: `build step ${i % 5}`, status: 200, exit_code: 0, ok: true, note: "all good here" }))
    base[11] = { ...base[11]!, status: 502 }
    base[23] = { ...base[23]!, exit_code: 137 }
    base[37] = { ...base[37]!, ok: false }
    base[48] = { ...base[48]!, note: "linker failed: undefined symbol" }
    const text = JSON.stringify(base)
    const kept = itemsOf(crushText(text, { key: keyOf(text) }).text)
    for (const i of [11, 23, 37, 48]) expect(kept).toContainEqual(base[i])
    expect(kept.length).toBeLessThan(20)
  })
})

describe("crush, lossless first", () => {
  it("writes a uniform array as a table with constant fields factored out", () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ id: i, kind: "pod", owner: { name: `team-${i % 2}`, region: "eu" } }))
    const text = JSON.stringify(items, null, 2)
    const out = crushText(text, { key: keyOf(text) }).text
    expect(JSON.parse(out)).toEqual({
      "headroom:table": {
        columns: ["id", "owner.name"],
        constant: { kind: "pod", "owner.region": "eu" },
        rows: items.map((x) => [x.id, x.owner.name])
      }
    })
    expect(expandTables(JSON.parse(out))).toEqual(items)
  })

  it("keeps a key named __proto__ as data, in tables and objects alike", () => {
    const items = Array.from({ length: 8 }, (_, i) => JSON.parse(`{"__proto__":"p${i % 2}","id":${i},"kind":"same"}`))
    const text = JSON.stringify({ list: items, map: JSON.parse('{"__proto__":[1,2],"s":"' + "y".repeat(3000) + '"}') }, null, 2)
    const out = parse(crushText(text, { key: keyOf(text) }).text).value
    const expanded = expandTables(out) as { list: Array<object>; map: object }
    expect(JSON.stringify(expanded.list)).toBe(JSON.stringify(items))
    expect(Object.keys(expanded.map)).toEqual(["__proto__", "s"])
  })

  it("passes small inputs through and never makes anything longer", () => {
    expect(crush('{"a": 1}')).toMatchObject({ changed: false, reason: "below-threshold" })
    const dense = JSON.stringify(Array.from({ length: 300 }, (_, i) => i * 7919 % 1000))
    const r = crushText(dense, { key: keyOf(dense) })
    expect(r.text.length).toBeLessThanOrEqual(dense.length)
  })

  it("keeps inexact numbers of kept items exactly as written", () => {
    const rows = Array.from({ length: 40 }, (_, i) => `{"id":${i},"big":1234567890123456789${i % 10},"ratio":1.50,"name":"row ${i}"}`)
    const text = `[${rows.join(",")}]`
    const out = crushText(text, { key: keyOf(text) }).text
    expect(out).toContain("12345678901234567890")
    expect(out).toContain("1.50")
  })

  it("crushes JSON inside strings and shortens very long strings around a marker", () => {
    const inner = JSON.stringify(logItems(200).items)
    const long = Array.from({ length: 400 }, (_, i) => `line ${i}: the quick brown fox`).join("\n")
    const text = JSON.stringify({ body: inner, log: long })
    const out = JSON.parse(crushText(text, { key: keyOf(text) }).text) as { body: string; log: string }
    expect(JSON.parse(out.body)).toHaveProperty(["headroom:table"])
    const [marker] = parseAll(out.log)
    expect(marker).toMatchObject({ unit: "chars", key: keyOf(text) })
    // Kept lines are whole lines of the input.
    const keptLines = out.log.split("\n").filter((l) => !l.includes("headroom_retrieve"))
    for (const line of keptLines) expect(long.split("\n")).toContain(line)
  })

  it("thins large maps (objects with many keys of one kind) with a marker entry", () => {
    const time = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`1.${i}.0`, `2025-01-${String(1 + (i % 28)).padStart(2, "0")}T00:00:00Z`]))
    const text = JSON.stringify({ name: "pkg", time })
    const out = JSON.parse(crushText(text, { key: keyOf(text) }).text) as { name: string; time: Record<string, string> }
    expect(out.name).toBe("pkg")
    expect(out.time["1.0.0"]).toBe(time["1.0.0"])
    expect(out.time["1.299.0"]).toBe(time["1.299.0"])
    expect(Object.keys(out.time).some((k) => k.startsWith("headroom:gap:"))).toBe(true)
  })
})

describe("crush on the real JSON corpus", () => {
  const files = readdirSync(join(CORPUS, "json")).filter((f) => f.endsWith(".json")).sort()

  it.each(files)("%s: valid JSON out, smaller, original back from the store", async (file) => {
    const input = readFileSync(join(CORPUS, "json", file))
    const result = await runInMemory(
      Effect.gen(function*() {
        const c = yield* crushBytes(input)
        const back = c.key ? yield* (yield* Store).get(c.key) : undefined
        return { c, back }
      })
    )
    const out = new TextDecoder().decode(toBytes(result.c.output))
    expect(() => JSON.parse(out)).not.toThrow()
    expect(result.c.bytesAfter).toBeLessThan(input.length)
    expect(Buffer.from(result.back!)).toEqual(input)
  })
})

/** Markers of a crushed text, in order (also inside JSON strings and JSON Lines marker lines). */
const markersOf = (out: string) => parseAll(out)
/** `field: a 3, b 2; …` in a marker's detail → { a: 3, b: 2 } (`others N` under "others"). */
const countsIn = (detail: string | undefined, field: string): Record<string, number> => {
  const part = (detail ?? "").split("; ").find((p) => p.startsWith(`${field}: `))
  const counts: Record<string, number> = {}
  for (const entry of part?.slice(field.length + 2).split(", ") ?? []) {
    const at = entry.lastIndexOf(" ")
    counts[entry.slice(0, at)] = Number(entry.slice(at + 1).replace(/,/g, ""))
  }
  return counts
}

describe("crush: failure by convention", () => {
  /** 60 CI-like records where `key` holds `norm`, but `failure` at three places. */
  const runs = (key: string, norm: Json, failure: Json) => {
    const items: Array<Record<string, Json>> = Array.from({ length: 60 }, (_, i) => ({
      id: i,
      name: `nightly-${i}`,
      url: `https://ci.example.org/job/nightly-${i}/`,
      [key]: norm
    }))
    for (const i of [13, 29, 47]) items[i]![key] = failure
    return items
  }

  it.each<[string, Json, Json]>([
    ["color", "blue", "red"],
    ["color", "blue", "red_anime"],
    ["color", "blue_anime", "yellow"],
    ["color", "blue", "aborted"],
    ["status", "success", "failed"],
    ["status", "success", "failure"],
    ["status", "completed", "errored"],
    ["status", "running", "crashed"],
    ["status", "passed", "timed_out"],
    ["status", "passed", "Timed_Out"],
    ["conclusion", "success", "failure"],
    ["conclusion", "success", "timed_out"],
    ["conclusion", "success", "cancelled"],
    ["conclusion", "success", "startup_failure"],
    ["conclusion", "success", "action_required"],
    ["state", "succeeded", "failed"],
    ["state", "running", "error"],
    ["result", "SUCCESS", "FAILURE"],
    ["result", "SUCCESS", "UNSTABLE"],
    ["outcome", "passed", "failed"],
    ["phase", "Running", "Failed"],
    ["health", "healthy", "unhealthy"],
    ["healthy", true, false],
    ["ok", true, false],
    ["success", true, false],
    ["passed", true, false]
  ])("%s: %j is the norm, %j a failure kept wherever it is", (key, norm, failure) => {
    const items = runs(key, norm, failure)
    const text = JSON.stringify(items)
    const kept = itemsOf(crushText(text, { key: keyOf(text) }).text)
    for (const i of [13, 29, 47]) expect(kept).toContainEqual(items[i])
    expect(kept.length).toBeLessThan(20)
  })

  it("a field whose values mostly mean failure holds the norm: those items are not all kept", () => {
    const items = runs("status", "failed", "success")
    const text = JSON.stringify(items)
    expect(itemsOf(crushText(text, { key: keyOf(text) }).text).length).toBeLessThan(20)
  })

  it("red is a colour, not a failure, outside a Jenkins colour field", () => {
    const items = Array.from({ length: 60 }, (_, i) => ({
      sku: `TS-${1000 + i}`,
      name: `Organic cotton T-shirt, style ${i}`,
      color: i % 20 === 7 ? "red" : ["navy", "green", "white"][i % 3]!
    }))
    const text = JSON.stringify(items)
    const kept = itemsOf(crushText(text, { key: keyOf(text) }).text) as Array<{ color: string }>
    expect(kept.filter((x) => x.color === "red").length).toBe(1)
  })

  it("Jenkins jobs: every colour is shown, kept or counted, and the red ones are counted", () => {
    const text = readFileSync(join(import.meta.dirname, "..", "..", "fixtures", "crush", "jenkins-jobs.json"), "utf8")
    const input = (JSON.parse(text) as { jobs: Array<{ color: string }> }).jobs
    const out = crushText(text, { key: keyOf(text) }).text
    const jobs = (expandTables(parse(out).value) as { jobs: Array<Json> }).jobs
    const kept = jobs.filter((x) => typeof x !== "string") as Array<{ color: string }>
    const markers = markersOf(out)
    expect(markers.length).toBeGreaterThan(0)
    const counted: Record<string, number> = {}
    for (const m of markers) for (const [c, k] of Object.entries(countsIn(m.detail, "color"))) counted[c] = (counted[c] ?? 0) + k
    for (const colour of new Set(input.map((j) => j.color))) {
      const shown = kept.filter((j) => j.color === colour).length + (counted[colour] ?? 0)
      expect(shown, colour).toBe(input.filter((j) => j.color === colour).length)
    }
    // Yellow (unstable) and aborted are failures, and rare here: kept.
    expect(kept.map((j) => j.color)).toEqual(expect.arrayContaining(["yellow", "aborted"]))
    expect(counted.red).toBeGreaterThan(150)
  })
})

describe("crush: markers count the categorical values they hide", () => {
  it("every gap says how many of each level it hides, the first also the overall figures", () => {
    const n = 1000
    const text = JSON.stringify(logItems(n).items)
    const out = crush(text).text
    const markers = markersOf(out)
    expect(markers.length).toBeGreaterThan(3)
    for (const m of markers) {
      const levels = countsIn(m.detail, "level")
      expect(Object.values(levels).reduce((a, b) => a + b, 0), m.detail).toBe(m.count)
    }
    expect(markers[0]!.detail).toMatch(/of 1,000 in all/)
    expect(markers[0]!.detail).toMatch(/latency_ms \d+–\d+ mean/)
  })

  it("names failure values first", () => {
    const items = logItems(400).items.map((x, i) => i % 40 === 5 ? { ...x, level: "ERROR" } : x)
    // Two error items with the same text: the second is not kept again, so a marker hides it.
    items[300] = items[5]!
    const text = JSON.stringify(items)
    const gap = markersOf(crush(text).text).find((m) => /level: ERROR/.test(m.detail ?? ""))
    expect(gap?.detail).toMatch(/^1 error; level: ERROR 1, /)
  })
})

describe("crush: every error item, at any size", () => {
  it("keeps all 104 error items of a 100k-item array (one in 997), and it stays small", () => {
    const n = 100_000
    const { items, errorIndexes } = logItems(n)
    const planted = [...errorIndexes]
    for (let i = 500; i < n; i += 997) {
      items[i] = { ...items[i]!, level: "ERROR", message: `upstream timeout after ${30_000 + (i % 7)}ms` }
      planted.push(i)
    }
    const text = JSON.stringify(items)
    const out = crushText(text, { key: keyOf(text) }).text
    const kept = new Set(itemsOf(out).map((x) => JSON.stringify(x)))
    const missing = planted.filter((i) => !kept.has(JSON.stringify(items[i])))
    expect(missing).toEqual([])
    expect(out.length).toBeLessThan(text.length / 100)
  }, 30_000)

  it("beyond the cap, every marker names the error items it hides", () => {
    const n = 30_000
    const { items } = logItems(n)
    let errors = 0
    for (let i = 7; i < n; i += 20) {
      items[i] = { ...items[i]!, level: "ERROR", message: `worker ${i % 13} crashed: exit status 137` }
      errors++
    }
    const text = JSON.stringify(items)
    const out = crushText(text, { key: keyOf(text) }).text
    // logItems plants three errors of its own: an ERROR level, a 503 and an error text.
    const isError = (x: Json) => {
      const item = x as { level: string; status: number; error: string | null }
      return item.level === "ERROR" || item.status >= 500 || item.error !== null
    }
    expect(itemsOf(out).filter(isError).length).toBe(1000)
    let hidden = 0
    for (const m of markersOf(out)) {
      const said = /^(\d[\d,]*) errors?(?:;|$)/.exec(m.detail ?? "")
      const count = Number(said?.[1]?.replace(/,/g, "") ?? 0)
      // The planted 503 and error text differ from the rest, so they are among those kept.
      expect(count, m.detail).toBe(countsIn(m.detail, "level").ERROR ?? 0)
      hidden += count
    }
    expect(hidden).toBe(errors + 3 - 1000)
  }, 30_000)
})

describe("crush: JSON Lines", () => {
  const jsonl = dpkgJsonLines(2000)

  /** The output's lines (without the final newline): records of the input and marker strings. */
  const linesOf = (out: string) => {
    const lines = out.endsWith("\n") ? out.slice(0, -1).split("\n") : out.split("\n")
    return lines.map((line) => {
      const value = JSON.parse(line) as Json
      const markers = typeof value === "string" ? parseAll(value) : []
      return { line, value, marker: markers.length === 1 ? markers[0] : undefined }
    })
  }

  it("thins dpkg records: kept records are lines of the input, each run of the rest one marker line", () => {
    const r = crushText(jsonl, { key: keyOf(jsonl) })
    expect(r.changed).toBe(true)
    expect(r.text.endsWith("}\n")).toBe(true)
    const input = new Set(jsonl.split("\n"))
    const lines = linesOf(r.text)
    let hidden = 0
    lines.forEach(({ line, marker }, i) => {
      if (marker) {
        hidden += marker.count
        expect(lines[i + 1]?.marker, "two marker lines in a row").toBeUndefined()
      } else expect(input.has(line)).toBe(true)
    })
    expect(hidden + lines.filter((l) => !l.marker).length).toBe(2000)
    expect(r.dropped.items).toBe(hidden)
    // The rare statuses are each shown.
    const statuses = new Set(lines.map((l) => (l.value as { Status?: string }).Status))
    for (const s of new Set(dpkgRecords(2000).map((x) => x.Status))) expect(statuses).toContain(s)
    expect(r.text.length).toBeLessThan(jsonl.length / 10)
  })

  it("keeps CRLF line ends, leaves blank lines out, and keeps the record a query asks for", () => {
    const records = jsonl.split("\n").slice(0, 300)
    const text = records.slice(0, 150).join("\r\n") + "\r\n\r\n" + records.slice(150).join("\r\n") + "\r\n"
    const needle = (JSON.parse(records[222]!) as { Package: string }).Package
    const r = crushText(text, { key: keyOf(text), query: needle })
    expect(r.changed).toBe(true)
    expect(r.text.endsWith("\r\n")).toBe(true)
    const lines = r.text.slice(0, -1).split("\n")
    expect(lines.every((l) => l.endsWith("\r"))).toBe(true)
    expect(lines).toContain(`${records[222]}\r`)
    for (const line of lines) expect(line.trim()).not.toBe("")
  })

  it("names the first bad line of text that is neither JSON nor JSON Lines", () => {
    const lines = jsonl.split("\n").slice(0, 30)
    lines[11] = '{"Package":"x",}'
    const fail = (text: string) => {
      try {
        crushText(text, { key: keyOf(text) })
      } catch (e) {
        return e
      }
      return undefined
    }
    expect(fail(lines.join("\n"))).toMatchObject({ _tag: "InvalidJson", line: 12, column: 16 })
    expect(fail("hello\nworld\n")).toBeInstanceOf(InvalidJson)
    expect(fail("hello\nworld\n")).toMatchObject({ line: 1, column: 1 })
    expect(fail("\n  \r\n\n")).toMatchObject({ _tag: "InvalidJson", reason: "empty input" })
    // Pretty JSON with an error is judged as one JSON text.
    const pretty = JSON.stringify({ items: [1, 2, 3] }, null, 2).replace("2,", "2,,")
    expect(fail(pretty)).toMatchObject({ line: 4, column: 7 })
  })
})
