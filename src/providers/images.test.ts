/**
 * Inline images through `compressRequest`, in each wire format: the image block is replaced by
 * the smaller image (fewer tokens by that provider's formula, decodable) followed by a note
 * naming the original's hash, and everything else stays byte-identical; the next turn, with the
 * same image, sends the same bytes for it (cache-safe); the original is in the store.
 */
import { Effect } from "effect"
import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { runInMemory } from "../../test/helpers.ts"
import { Store } from "../core/store.ts"
import { compressRequest } from "../pipeline/compress-request.ts"
import { Memo } from "../pipeline/memo.ts"
import { imageTokens } from "../stages/image/cost.ts"
import { generate } from "../stages/image/generate.ts"
import { PROVIDERS, type Provider } from "./conversation.ts"
import { IMAGE_PROVIDER, imageIn } from "./images.ts"

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`

/** A request with a photo in the person's message, in each format, and the path of the array it sits in. */
const requestWith = (provider: Provider, png: Buffer): { body: Record<string, any>; at: ReadonlyArray<string | number> } => {
  const data = png.toString("base64")
  switch (provider) {
    case "anthropic":
      return {
        body: { model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image", source: { type: "base64", media_type: "image/png", data }, cache_control: { type: "ephemeral" } }] }] },
        at: ["messages", 0, "content"]
      }
    case "openai-chat":
      return { body: { model: "gpt-5", messages: [{ role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image_url", image_url: { url: dataUrl(png), detail: "high" } }] }] }, at: ["messages", 0, "content"] }
    case "openai-responses":
      return { body: { model: "gpt-5", input: [{ role: "user", content: [{ type: "input_text", text: "What is in this picture?" }, { type: "input_image", image_url: dataUrl(png) }] }] }, at: ["input", 0, "content"] }
    case "gemini":
      return { body: { contents: [{ role: "user", parts: [{ text: "What is in this picture?" }, { inlineData: { mimeType: "image/png", data } }] }] }, at: ["contents", 0, "parts"] }
  }
}

const valueAt = (v: any, path: ReadonlyArray<string | number>) => path.reduce((x, k) => x[k], v)

describe.each(PROVIDERS)("an inline image in a %s request", (provider) => {
  it("is replaced by the smaller image and a note; everything else byte-identical; the same next turn", async () => {
    const photo = await generate("photo", 31)
    const { body, at } = requestWith(provider, photo.png)
    const before = JSON.stringify(body)
    await runInMemory(Effect.gen(function*() {
      const memo = new Memo()
      const { body: out, stats } = yield* compressRequest(body, { provider, memo })
      expect(JSON.stringify(body)).toBe(before)
      expect(stats.stages.image?.blocks).toBe(1)
      const parts = valueAt(out, at) as Array<Record<string, any>>
      expect(parts).toHaveLength(3)
      const image = imageIn(provider, parts[1])!
      const bytes = Buffer.from(image.data, "base64")
      const meta = yield* Effect.promise(() => sharp(bytes).metadata())
      expect(imageTokens(IMAGE_PROVIDER[provider], { width: meta.width, height: meta.height })).toBeLessThan(imageTokens(IMAGE_PROVIDER[provider], photo))
      const note = JSON.stringify(parts[2])
      const key = /ccr-get ([0-9a-f]{12})|as ([0-9a-f]{12})/.exec(note)
      expect(key).not.toBeNull()
      const original = yield* (yield* Store).get(key![1] ?? key![2]!)
      expect(Buffer.compare(Buffer.from(original), photo.png)).toBe(0)
      // Put the original block back and drop the note: the request as it came, byte for byte.
      const restored = structuredClone(out) as Record<string, any>
      valueAt(restored, at).splice(1, 2, valueAt(body, at)[1])
      expect(JSON.stringify(restored)).toBe(before)
      // The next turn carries the same image: it is sent as it was the first time.
      const next = structuredClone(body)
      valueAt(next, at.slice(0, -2)).push(provider === "gemini" ? { role: "model", parts: [{ text: "A lake." }] } : { role: "assistant", content: "A lake." })
      const { body: again } = yield* compressRequest(next, { provider, memo })
      expect(JSON.stringify(valueAt(again, at))).toBe(JSON.stringify(parts))
    }))
  }, 60_000)
})

describe("a computer-use agent's screenshots", () => {
  it("are left as they are: the agent clicks in their pixels", async () => {
    const shot = await generate("screenshot", 33)
    const { body } = requestWith("anthropic", shot.png)
    const request = { ...body, tools: [{ type: "computer_20250124", name: "computer", display_width_px: shot.width, display_height_px: shot.height }] }
    const { body: out, stats } = await runInMemory(compressRequest(request, { provider: "anthropic" }))
    expect(JSON.stringify(out)).toBe(JSON.stringify(request))
    expect(stats.compressed).toBe(0)
  })
})
