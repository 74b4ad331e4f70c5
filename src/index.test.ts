import { describe, expect, it } from "vitest"
import { logItemsJson } from "./evals/generate.ts"
import { compressText, crushJson, detectType, InvalidJson, retrieveOriginal, storeOriginal, useStore } from "./index.ts"

useStore("memory")

describe("the Promise library", () => {
  it("crushes, and the original comes back", async () => {
    const json = logItemsJson(500)
    const result = await crushJson(json, { query: "card_declined" })
    expect(typeof result.output).toBe("string")
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore / 5)
    expect(String(result.output)).toContain("card_declined")
    const back = await retrieveOriginal(result.key!)
    expect(new TextDecoder().decode(back.output)).toBe(json)
  })

  it("rejects invalid JSON with a typed error, and detects types", async () => {
    await expect(crushJson("{oops")).rejects.toBeInstanceOf(InvalidJson)
    expect(detectType("[1, 2, 3]")).toBe("json")
    expect((await compressText("just some words")).passthrough).toBeDefined()
  })

  it("stores anything and returns its marker", async () => {
    const stored = await storeOriginal("hello\nworld\n", { ttl: "1h" })
    expect(String(stored.output)).toBe(`[2 lines not shown · headroom_retrieve hash=${stored.key}]\n`)
    await expect(storeOriginal("x", { ttl: "soon" })).rejects.toThrow(/ttl: expected a duration/)
  })
})
