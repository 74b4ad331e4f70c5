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
