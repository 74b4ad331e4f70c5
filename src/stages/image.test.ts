/**
 * The image stage: never larger (pixels, tokens by each provider's formula), output that decodes
 * at the size it says and within what each provider uses, the same output for the same input,
 * any bytes safe; text drawn with the project's pixel font still read back by glyph matching
 * after compression (and not after a blind downscale: the check can fail); the router right on
 * images it was not trained on; the original back from CCR.
 */
import { Effect } from "effect"
import fc from "fast-check"
import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { runInMemory } from "../../test/helpers.ts"
import { Store } from "../core/store.ts"
import { compressBytes } from "./compress.ts"
import { imageBytes } from "./image.ts"
import { type ImageProvider, imageTokens, usedSize } from "./image/cost.ts"
import { featuresOf } from "./image/features.ts"
import { generate, KINDS } from "./image/generate.ts"
import { readBack } from "./image/legible.ts"
import { classify } from "./image/router.ts"
import { shrink } from "./image/shrink.ts"

const PROVIDERS: ReadonlyArray<ImageProvider> = ["anthropic", "openai", "gemini"]

/** A random image: noise, flat colour or stripes, any size up to 1800 px, as PNG, JPEG or WebP. */
const anyImage = fc.record({
  width: fc.integer({ min: 1, max: 1800 }),
  height: fc.integer({ min: 1, max: 1800 }),
  pattern: fc.constantFrom("noise", "flat", "stripes"),
  format: fc.constantFrom("png", "jpeg", "webp"),
  seed: fc.nat()
}).map(async ({ width, height, pattern, format, seed }) => {
  const pixels = Buffer.alloc(width * height * 3)
  let s = seed || 1
  for (let i = 0; i < pixels.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0
    pixels[i] = pattern === "noise" ? s >>> 24 : pattern === "flat" ? 200 : Math.floor(i / 3 / width) % 8 < 4 ? 20 : 230
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).toFormat(format).toBuffer()
})

describe("image stage", () => {
  it("never enlarges; its output decodes at the size it says, within what the provider uses; the same each time", async () => {
    await fc.assert(
      fc.asyncProperty(anyImage, fc.constantFrom(...PROVIDERS), async (made, provider) => {
        const input = await made
        const meta = await sharp(input).metadata()
        const result = await shrink(input, { provider })
        if ("kept" in result) return
        expect(result.after.width).toBeLessThanOrEqual(meta.width)
        expect(result.after.height).toBeLessThanOrEqual(meta.height)
        expect(result.tokensAfter).toBeLessThanOrEqual(imageTokens(provider, { width: meta.width, height: meta.height }))
        if (result.tokensAfter === result.tokensBefore) expect(result.bytes.length).toBeLessThan(input.length)
        const out = await sharp(result.bytes).metadata()
        expect([out.width, out.height, out.format]).toEqual([result.after.width, result.after.height, result.format])
        const used = usedSize(provider, { width: meta.width, height: meta.height })
        expect(out.width).toBeLessThanOrEqual(used.width)
        expect(out.height).toBeLessThanOrEqual(used.height)
        const again = await shrink(input, { provider })
        expect("bytes" in again && Buffer.compare(Buffer.from(again.bytes), Buffer.from(result.bytes))).toBe(0)
      }),
      { numRuns: 30 }
    )
  }, 240_000)

  it("any bytes: passed through or refused with a clear error, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const exit = await runInMemory(Effect.exit(imageBytes(bytes)))
        if (exit._tag === "Failure") expect(String(exit.cause)).toContain("not an image")
        else expect(exit.value.output).toBe(bytes)
      }),
      { numRuns: 100 }
    )
  })

  it("keeps text legible: every character drawn is read back by glyph matching after compression for each provider", async () => {
    for (const [kind, seed] of [["screenshot", 11], ["terminal", 12], ["code", 13], ["diagram", 14], ["screenshot", 15]] as const) {
      const image = await generate(kind, seed)
      const original = await readBack(image.png, image.lines, image)
      expect(original.read / original.total).toBeGreaterThan(0.9)
      for (const provider of PROVIDERS) {
        const result = await shrink(image.png, { provider })
        if ("kept" in result) continue
        const after = await readBack(result.bytes, image.lines, image)
        expect(after.read, `${kind} ${seed} for ${provider} at ${result.after.width}×${result.after.height}`).toBeGreaterThanOrEqual(original.read - Math.ceil(0.01 * original.total))
      }
    }
  }, 120_000)

  it("the check can fail: text scaled blindly below a pixel per font pixel is not read back", async () => {
    const image = await generate("screenshot", 11)
    const small = await sharp(image.png).resize(Math.round((image.width * 0.35) / image.lines[0]!.scale)).png().toBuffer()
    const read = await readBack(small, image.lines, image)
    expect(read.read / read.total).toBeLessThan(0.5)
  })

  it("saves tokens where it may: photos at least 40% for each provider (the whole set: headroom evals --only images)", async () => {
    for (const [kind, seed, least] of [["photo", 21, 0.4], ["photo", 22, 0.4]] as const) {
      const image = await generate(kind, seed)
      for (const provider of PROVIDERS) {
        const result = await shrink(image.png, { provider })
        expect("kept" in result, `${kind} ${seed} ${provider}`).toBe(false)
        if ("kept" in result) continue
        expect(1 - result.tokensAfter / result.tokensBefore, `${kind} ${seed} ${provider}: ${result.tokensBefore} → ${result.tokensAfter}`).toBeGreaterThanOrEqual(least)
      }
    }
  }, 60_000)

  it("tells text, diagrams and photos apart on images it was not trained on", async () => {
    let right = 0
    let total = 0
    for (const kind of KINDS) {
      for (const seed of [300_001, 300_002]) {
        const image = await generate(kind, seed)
        total++
        if (classify(await featuresOf(sharp(image.png), image.width, image.height)) === image.label) right++
      }
    }
    expect(right / total).toBeGreaterThanOrEqual(0.9)
  }, 60_000)

  it("stores the original: ccr-get gives it back byte for byte; compress sends images here", async () => {
    const image = await generate("photo", 5)
    await runInMemory(Effect.gen(function*() {
      const result = yield* compressBytes(image.png)
      expect(result.stage).toBe("image")
      expect(result.passthrough).toBeUndefined()
      const back = yield* (yield* Store).get(result.key!)
      expect(Buffer.compare(Buffer.from(back), image.png)).toBe(0)
    }))
  })
})
