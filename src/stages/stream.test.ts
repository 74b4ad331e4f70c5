/** The stages as typed Effect streams, composed in TypeScript as the commands are in a shell. */
import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { logItemsJson } from "../evals/generate.ts"
import { runInMemory } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import { referencedKeys } from "../core/marker.ts"
import { retrieve } from "./ccr-get.ts"
import { ccrPut } from "./ccr-put.ts"
import { compress } from "./compress.ts"
import { crush } from "./crush.ts"
import { fromText } from "./input.ts"
import { route } from "./route.ts"

const json = logItemsJson(300)

describe("stages as streams", () => {
  it("crush | ccr-put: the marker leads to the crushed text, which leads to the original", async () => {
    const original = await runInMemory(Effect.gen(function*() {
      const [stored] = yield* fromText(json).pipe(
        crush(),
        Stream.map((c) => toBytes(c.output)),
        ccrPut(),
        Stream.runCollect
      )
      expect(stored!.pinned).toHaveLength(1)
      const crushed = new TextDecoder().decode((yield* retrieve(stored!.key)).output)
      const [key] = referencedKeys(crushed)
      return new TextDecoder().decode((yield* retrieve(key!)).output)
    }))
    expect(original).toBe(json)
  })

  it("route and compress agree on what they see", async () => {
    const [r, c] = await runInMemory(Effect.gen(function*() {
      const [r] = yield* fromText(json).pipe(route(), Stream.runCollect)
      const [c] = yield* fromText(json).pipe(compress({ query: "card_declined" }), Stream.runCollect)
      return [r!, c!] as const
    }))
    expect(r).toEqual({ type: "json", compressor: "crush", bytes: json.length })
    expect(c.stage).toBe("crush")
    expect(String(c.output)).toContain("card_declined")
  })
})
