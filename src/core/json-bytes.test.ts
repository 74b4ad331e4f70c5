/**
 * json-bytes finds values in a document's bytes as `JSON.parse` reads them: any value, any
 * formatting, strings full of quotes, backslashes and non-ASCII text, duplicate keys.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arrayAt, elementStarts, memberOf, rangeOf, skipValue } from "./json-bytes.ts"

type Path = Array<string | number>

/** Every path in a value, the root's included. */
const pathsOf = (value: unknown, at: Path = []): Array<Path> => {
  const out: Array<Path> = [at]
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])))
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]))
  return out
}

const valueAt = (value: unknown, path: Path): unknown => path.reduce((v: any, step) => v[step], value)

const json = fc.jsonValue({ maxDepth: 4, stringUnit: "binary" })
const formatting = fc.constantFrom<string | number | undefined>(undefined, 1, 2, "\t", " \r\n")

describe("json-bytes", () => {
  it("finds every value of any document, however formatted", () => {
    fc.assert(
      fc.property(json, formatting, (generated, space) => {
        // As JSON carries it (-0 is written 0).
        const value = JSON.parse(JSON.stringify(generated))
        const text = ` ${JSON.stringify(value, null, space as string)}\n`
        const buf = Buffer.from(text)
        expect(skipValue(buf, 0)).toBe(buf.length - 1)
        for (const path of pathsOf(value)) {
          const range = rangeOf(buf, 0, path)
          expect(range).toBeDefined()
          expect(JSON.parse(buf.toString("utf8", range![0], range![1]))).toEqual(valueAt(value, path))
        }
      }),
      { numRuns: 300 }
    )
  })

  it("lists an array's elements, and a run of them continued after a comma", () => {
    fc.assert(
      fc.property(fc.array(json, { maxLength: 8 }), formatting, (generated, space) => {
        const values = JSON.parse(JSON.stringify(generated)) as Array<unknown>
        const buf = Buffer.from(JSON.stringify(values, null, space as string))
        const array = arrayAt(buf, 0)!
        expect(array.starts.length).toBe(values.length)
        expect(buf[array.close]).toBe(0x5d)
        array.starts.forEach((start, i) => expect(JSON.parse(buf.toString("utf8", start, skipValue(buf, start)))).toEqual(values[i]))
        if (values.length > 1) {
          const after = skipValue(buf, array.starts[0]!)
          expect(elementStarts(buf, after, array.close)).toEqual(array.starts.slice(1))
        }
      }),
      { numRuns: 200 }
    )
  })

  it("takes a duplicated key's last value, as JSON.parse does; reads escaped keys", () => {
    const buf = Buffer.from(`{"a":1, "m":[1,2], "\\u006d":"last", "b":{"m":0}}`)
    expect(buf.toString("utf8", memberOf(buf, 0, "m"), skipValue(buf, memberOf(buf, 0, "m")))).toBe(`"last"`)
    expect(rangeOf(buf, 0, ["b", "m"])).toBeDefined()
    expect(rangeOf(buf, 0, ["c"])).toBeUndefined()
    expect(rangeOf(buf, 0, ["a", 0])).toBeUndefined()
  })

  it("never throws on bytes that are not JSON", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.oneof(fc.string(), fc.nat(5)), { maxLength: 4 }), (bytes, path) => {
        const buf = Buffer.from(bytes)
        rangeOf(buf, 0, path)
        arrayAt(buf, 0)
        elementStarts(buf, 0, buf.length)
      }),
      { numRuns: 500 }
    )
  })
})
