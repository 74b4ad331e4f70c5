/**
 * Properties of crush over generated inputs, including nasty ones: for every input it never
 * throws, JSON comes out, it is never longer, it is deterministic, and the original comes back
 * from the store byte for byte.
 */
import { Effect, Exit } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { runInMemory } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import { parseAll } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { crushBytes } from "./crush.ts"

const encode = (s: string) => new TextEncoder().encode(s)

/** Crushes, then reads the original back through the key the result names. */
const crushAndRestore = (input: Uint8Array, query?: string) =>
  runInMemory(
    Effect.gen(function*() {
      const exit = yield* Effect.exit(crushBytes(input, { query }))
      if (Exit.isFailure(exit)) return { exit, restored: undefined, output: undefined }
      const c = exit.value
      const restored = c.key ? yield* (yield* Store).get(c.key) : toBytes(c.output)
      return { exit, restored, output: toBytes(c.output) }
    }),
    { minTokens: 0 }
  )

const record = fc.record({
  id: fc.integer(),
  name: fc.string({ unit: "grapheme" }),
  level: fc.constantFrom("INFO", "DEBUG", "WARN", "ERROR"),
  status: fc.constantFrom(200, 201, 404, 500),
  value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(null)),
  tags: fc.array(fc.string(), { maxLength: 3 }),
  nested: fc.option(fc.record({ a: fc.boolean(), b: fc.string() }), { nil: undefined })
})

/** JSON texts: arbitrary values, big arrays of records, raw numeric literals, odd whitespace. */
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v, null, 2)),
  fc.array(record, { minLength: 10, maxLength: 300 }).map((v) => JSON.stringify(v)),
  fc.array(fc.string({ unit: "binary" }), { minLength: 0, maxLength: 400 }).map((v) => JSON.stringify(v)),
  fc.array(
    fc.oneof(
      fc.constantFrom("1.0", "-0", "1e400", "12345678901234567890", "0.10", "1E-7", "-1.50e+3"),
      fc.bigInt().map(String)
    ),
    { minLength: 1, maxLength: 200 }
  ).map((xs) => `[${xs.join(", ")}]`),
  fc.integer({ min: 1, max: 3000 }).map((d) => "[".repeat(d) + "]".repeat(d)),
  fc.string({ unit: "binary", maxLength: 3000 }).map((s) => JSON.stringify({ s, again: s }))
)

describe("crush properties", () => {
  it("on valid JSON: never fails, JSON out, never longer, original back byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(jsonText, async (text) => {
        const input = encode(text)
        const { exit, restored, output } = await crushAndRestore(input)
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(() => JSON.parse(new TextDecoder().decode(output))).not.toThrow()
        expect(output!.length).toBeLessThanOrEqual(input.length)
        expect(Buffer.from(restored!)).toEqual(Buffer.from(input))
      }),
      { numRuns: 2000 }
    )
  }, 300_000)

  it("is deterministic: the same input gives the same bytes", async () => {
    await fc.assert(
      fc.asyncProperty(jsonText, fc.option(fc.string(), { nil: undefined }), async (text, query) => {
        const a = await crushAndRestore(encode(text), query)
        const b = await crushAndRestore(encode(text), query)
        expect(Buffer.from(a.output!)).toEqual(Buffer.from(b.output!))
      }),
      { numRuns: 300 }
    )
  }, 300_000)

  it("on any bytes: only a typed InvalidJson or BinaryInput, never a defect", async () => {
    const invalidUtf8 = fc.array(fc.constantFrom(0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x7b, 0x5b, 0x22), { maxLength: 64 })
      .map((xs) => new Uint8Array(xs))
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2000 }), invalidUtf8, fc.string().map(encode)), async (input) => {
        const { exit } = await crushAndRestore(input)
        if (Exit.isFailure(exit)) {
          const tag = JSON.stringify(exit.cause)
          expect(tag.includes("InvalidJson") || tag.includes("BinaryInput"), tag).toBe(true)
        }
      }),
      { numRuns: 1000 }
    )
  }, 300_000)
})

/**
 * JSON Lines texts: two or more records (compact JSON of records or arbitrary values, some with
 * inexact numbers), LF or CRLF line ends, blank lines here and there, a final newline or not.
 * Most are long enough to be thinned (fast-check favours short arrays, which crush passes through).
 */
const jsonLinesText = fc.record({
  records: fc.oneof(
    { arbitrary: fc.array(record.map((r) => JSON.stringify(r)), { minLength: 40, maxLength: 300 }), weight: 3 },
    fc.array(record.map((r) => JSON.stringify(r)), { minLength: 2, maxLength: 12 }),
    fc.array(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), { minLength: 2, maxLength: 200 }),
    fc.array(fc.constantFrom('{"n":1.0}', '{"n":12345678901234567890}', '{"n":-0,"s":"\\u2028"}', " [1, 2] ", '"x"'), { minLength: 2, maxLength: 60 })
  ),
  crlf: fc.boolean(),
  blanks: fc.array(fc.nat(), { maxLength: 4 }),
  finalNewline: fc.boolean()
}).map(({ records, crlf, blanks, finalNewline }) => {
  const lines = [...records]
  for (const b of blanks) lines.splice(b % (lines.length + 1), 0, b % 2 === 0 ? "" : "  ")
  const end = crlf ? "\r\n" : "\n"
  return lines.join(end) + (finalNewline ? end : "")
})

/** Lines of text: whatever they hold, mostly JSON, some not, with any line ends. */
const anyLines = fc.array(
  fc.oneof(
    { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), weight: 12 },
    fc.string(),
    fc.constantFrom("", " ", "{", "]", "1 2", "nul", "\uFEFF{}")
  ),
  { maxLength: 200 }
).chain((lines) => fc.constantFrom("\n", "\r\n").map((end) => lines.join(end)))

const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)

describe("crush properties on JSON Lines", () => {
  let thinned = 0
  it("round trip: the stored original comes back byte for byte; never longer", async () => {
    await fc.assert(
      fc.asyncProperty(jsonLinesText, async (text) => {
        const input = encode(text)
        const { exit, restored, output } = await crushAndRestore(input)
        expect(Exit.isSuccess(exit)).toBe(true)
        // Buffer.equals: a deep toEqual of tens of kilobytes a run is slow.
        expect(Buffer.from(restored!).equals(Buffer.from(input))).toBe(true)
        expect(output!.length).toBeLessThanOrEqual(input.length)
      }),
      { numRuns: 1000 }
    )
  }, 300_000)

  it("every output line is JSON; every line that is not a marker is a line of the input, byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(jsonLinesText, fc.option(fc.constantFrom("ERROR", "grapheme", "1"), { nil: undefined }), async (text, query) => {
        const { output } = await crushAndRestore(encode(text), query)
        const out = decode(output)
        if (out === text) return
        thinned++
        const inputLines = new Set(text.split("\n"))
        const lines = out.endsWith("\n") ? out.slice(0, -1).split("\n") : out.split("\n")
        for (const line of lines) {
          const value: unknown = JSON.parse(line)
          const isMarker = typeof value === "string" && parseAll(value).length === 1
          if (!isMarker) expect(inputLines.has(line), line).toBe(true)
        }
      }),
      { numRuns: 1000 }
    )
    // The property says something only if many inputs were in fact thinned.
    expect(thinned).toBeGreaterThan(300)
  }, 300_000)

  it("is deterministic", async () => {
    await fc.assert(
      fc.asyncProperty(jsonLinesText, fc.option(fc.string(), { nil: undefined }), async (text, query) => {
        const a = await crushAndRestore(encode(text), query)
        const b = await crushAndRestore(encode(text), query)
        expect(Buffer.from(a.output!)).toEqual(Buffer.from(b.output!))
      }),
      { numRuns: 300 }
    )
  }, 300_000)

  it("never throws on arbitrary lines: a result, or a typed InvalidJson", async () => {
    await fc.assert(
      fc.asyncProperty(anyLines, async (text) => {
        const { exit } = await crushAndRestore(encode(text))
        if (Exit.isFailure(exit)) {
          const cause = JSON.stringify(exit.cause)
          expect(cause).toContain("InvalidJson")
          expect(cause).toMatch(/"line":[1-9]/)
        }
      }),
      { numRuns: 1000 }
    )
  }, 300_000)
})
