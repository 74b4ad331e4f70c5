import { describe, expect, it } from "vitest"
import { formatCount, parseAll, referencedKeys, render } from "./marker.ts"

describe("marker grammar", () => {
  it("renders count, unit, detail and key, and parses back", () => {
    const text = render({ key: "9f2c1ab3e4d5", count: 4812, unit: "items", detail: "latency_ms 3–950 mean 41.2" })
    expect(text).toBe("[4,812 items not shown; latency_ms 3–950 mean 41.2 · headroom_retrieve hash=9f2c1ab3e4d5]")
    expect(parseAll(`before ${text} after`)).toEqual([
      { key: "9f2c1ab3e4d5", count: 4812, unit: "items", detail: "latency_ms 3–950 mean 41.2", selector: undefined }
    ])
  })

  it("uses the singular for one, and carries a selector", () => {
    const text = render({ key: "000000000abc", count: 1, unit: "lines", selector: { lines: "12-12" } })
    expect(text).toBe("[1 line not shown · headroom_retrieve hash=000000000abc lines=12-12]")
    expect(parseAll(text)[0]).toMatchObject({ count: 1, unit: "lines", selector: { lines: "12-12" } })
  })

  it("keeps a detail from breaking the marker", () => {
    const text = render({ key: "000000000abc", count: 2, unit: "keys", detail: "a]b·c\nd" })
    expect(parseAll(text)).toHaveLength(1)
  })

  it("finds keys inside JSON strings, once each", () => {
    const m = render({ key: "aaaaaaaaaaaa", count: 3, unit: "items" })
    const json = JSON.stringify([1, m, 2, m, render({ key: "bbbbbbbbbbbb", count: 1, unit: "chars" })])
    expect(referencedKeys(json)).toEqual(["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
  })

  it("groups thousands whatever the locale", () => {
    expect([0, 999, 1000, 1234567, -4500].map(formatCount)).toEqual(["0", "999", "1,000", "1,234,567", "-4,500"])
  })
})
