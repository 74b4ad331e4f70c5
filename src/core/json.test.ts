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
