import { describe, expect, it } from "vitest"
import { InvalidJson } from "./errors.ts"
import { parse, stringify, write } from "./json.ts"

describe("exact JSON", () => {
  it("keeps numbers JavaScript would print differently", () => {
    const text = '{"big":12345678901234567890,"f":1.0,"e":1e5,"z":-0,"n":[1.50,2],"s":"1.10 stays a string"}'
    const doc = parse(text)
    expect(doc.hasRaw).toBe(true)
    expect(stringify(doc.value)).toBe(text)
  })

  it("takes the native path when every number is exact", () => {
    const doc = parse('{"ts":"2026-11-20T08:00:00.190Z","n":[1,2.5,-3]}')
    expect(doc.hasRaw).toBe(false)
    expect(write(doc.value, false)).toBe('{"ts":"2026-11-20T08:00:00.190Z","n":[1,2.5,-3]}')
  })

  it("is not fooled by number-like text inside strings or escapes", () => {
    const text = String.raw`["\"1.0\"", "\\", 1.0, "\u0001hrn0"]`
    expect(stringify(parse(text).value)).toBe(String.raw`["\"1.0\"","\\",1.0,"\u0001hrn0"]`)
  })

  it.each([
    ['{"a":}', 1, 6, 'unexpected "}"'],
    ["[1,2", 1, 5, "unexpected end of input"],
    ["", 1, 1, "empty input"],
    ['{\n "a": [1,\n  2,,]}', 3, 5, 'unexpected ","'],
    ['{"a":1}x', 1, 8, "after the end of the JSON value"],
    ['"abc', 1, 5, "unterminated string"]
  ])("locates the error in %j", (text, line, column, reason) => {
    let error: unknown
    try {
      parse(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidJson)
    expect(error).toMatchObject({ line, column })
    expect((error as InvalidJson).message).toContain(reason)
  })
})

describe("which numbers need their text kept", () => {
  it.each(["1.0", " -0", "[1e5]", '{"a":12345678901234567890}', "[0.10000000000000000001]", '{"x": 2.50}'])(
    "%s keeps its text",
    (text) => {
      expect(parse(text).hasRaw).toBe(true)
    }
  )
  it.each(['{"retries":0,"ts":"2026-11-20T08:00:00.190Z"}', "[0, 1.5, -2, 100]"])("%s needs nothing kept", (text) => {
    expect(parse(text).hasRaw).toBe(false)
  })
})

describe("exact numbers, generated", () => {
  it("writes every number back exactly as written, whatever its form", async () => {
    const fc = (await import("fast-check")).default
    const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""))
    const lexeme = fc.tuple(
      fc.boolean(),
      fc.oneof(fc.constant("0"), fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 24)).map(([a, b]) => `${a}${b}`)),
      fc.option(digits(1, 24), { nil: undefined }),
      fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), fc.integer({ min: 0, max: 400 })), { nil: undefined })
    ).map(([neg, int, frac, exp]) => `${neg ? "-" : ""}${int}${frac === undefined ? "" : `.${frac}`}${exp ? exp.join("") : ""}`)
    const space = fc.constantFrom("", " ", "\n", "\t ")
    const doc = fc.tuple(fc.array(fc.tuple(space, lexeme, space), { minLength: 1, maxLength: 8 }), fc.boolean()).map(([xs, asObject]) =>
      asObject
        ? `{${xs.map(([a, x, b], i) => `${a}"k${i}":${a}${x}${b}`).join(",")}}`
        : xs.length === 1 ? `${xs[0]![0]}${xs[0]![1]}${xs[0]![2]}` : `[${xs.map(([a, x, b]) => `${a}${x}${b}`).join(",")}]`
    )
    fc.assert(
      fc.property(doc, (text) => {
        expect(stringify(parse(text).value)).toBe(text.replace(/\s+/g, ""))
      }),
      { numRuns: 5000 }
    )
  })
})
