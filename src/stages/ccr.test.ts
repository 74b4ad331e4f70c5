import { Effect, Exit } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { logItemsJson } from "../evals/generate.ts"
import { runInMemory } from "../../test/helpers.ts"
import { keyOf } from "../core/hash.ts"
import { parseAll, render } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { retrieve } from "./ccr-get.ts"
import { ccrPutBytes } from "./ccr-put.ts"

const encode = (s: string) => new TextEncoder().encode(s)
const decode = (b: Uint8Array | undefined) => new TextDecoder().decode(b)

describe("ccr-put and ccr-get", () => {
  it("round-trips any bytes exactly, and the marker names the key", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 4000 }), fc.string({ unit: "binary" }).map(encode)), async (bytes) => {
        const { stored, back } = await runInMemory(Effect.gen(function*() {
          const stored = yield* ccrPutBytes(bytes)
          const back = yield* retrieve(stored.key)
          return { stored, back }
        }))
        expect(stored.key).toBe(keyOf(bytes))
        expect(parseAll(String(stored.output))[0]?.key).toBe(stored.key)
        expect(Buffer.from(back.output!)).toEqual(Buffer.from(bytes))
      }),
      { numRuns: 500 }
    )
  })

  it("pins the originals that markers in its input point at", async () => {
    const pinned = await runInMemory(Effect.gen(function*() {
      const store = yield* Store
      const original = yield* store.put(encode("the original"), 60_000)
      const crushed = `{"rows":["${render({ key: original.key, count: 3, unit: "items" })}"]}`
      return (yield* ccrPutBytes(encode(crushed))).pinned
    }))
    expect(pinned).toEqual([keyOf("the original")])
  })

  it("returns a line range byte for byte, CRLF and unicode included", async () => {
    const text = "one\r\ntwo ünï\r\nthree\nfour"
    const got = await runInMemory(Effect.gen(function*() {
      const { key } = yield* ccrPutBytes(encode(text))
      return [
        decode((yield* retrieve(key, { lines: "2-3" })).output),
        decode((yield* retrieve(key, { lines: "4" })).output),
        decode((yield* retrieve(key, { lines: "3-99" })).output)
      ]
    }))
    expect(got).toEqual(["two ünï\r\nthree\n", "four", "three\nfour"])
  })

  it("rejects bad ranges and keys with one-line errors", async () => {
    const errors = await runInMemory(Effect.gen(function*() {
      const { key } = yield* ccrPutBytes(encode("a\nb\n"))
      const fail = (e: Effect.Effect<unknown, { message: string }, Store>) => Effect.flip(e).pipe(Effect.map((x) => x.message))
      return [
        yield* fail(retrieve(key, { lines: "3-1" })),
        yield* fail(retrieve(key, { lines: "9-10" })),
        yield* fail(retrieve("nothex")),
        yield* fail(retrieve("0123456789ab"))
      ]
    }))
    expect(errors[0]).toContain("--lines: expected A-B")
    expect(errors[1]).toContain("within the original's 2 lines")
    expect(errors[2]).toContain("not a headroom hash")
    expect(errors[3]).toContain("no original stored under hash 0123456789ab")
  })

  it("finds a needle item in JSON by query, with its path, and not the haystack", async () => {
    const text = logItemsJson(2000)
    const matches = await runInMemory(Effect.gen(function*() {
      const { key } = yield* ccrPutBytes(encode(text))
      return (yield* retrieve(key, { query: "req-7f3a9c2e5b1d" })).matches!
    }))
    expect(matches).toHaveLength(1)
    expect(matches[0]!.at).toBe("$[840]")
    expect(JSON.parse(matches[0]!.text)).toMatchObject({ request_id: "req-7f3a9c2e5b1d" })
  })

  it("finds matching lines of a text by query, numbered", async () => {
    const text = Array.from({ length: 500 }, (_, i) => i === 321 ? "ERROR connection refused by db-7" : `INFO request ${i} ok`).join("\n")
    const matches = await runInMemory(Effect.gen(function*() {
      const { key } = yield* ccrPutBytes(encode(text))
      return (yield* retrieve(key, { query: "connection refused" })).matches!
    }))
    expect(matches.map((m) => m.at)).toEqual([322])
    expect(matches[0]!.text).toBe("ERROR connection refused by db-7")
  })

  it("says an unknown key is unknown", async () => {
    const exit = await runInMemory(Effect.exit(retrieve("aaaaaaaaaaaa")))
    expect(Exit.isFailure(exit)).toBe(true)
  })
})
