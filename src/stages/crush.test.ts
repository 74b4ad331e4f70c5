import { Effect } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { logItems } from "../../fixtures/generate.ts"
import { CORPUS, runInMemory } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
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
