import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type ImageProvider, imageTokens, usedSize } from "./cost.ts"

const PROVIDERS: ReadonlyArray<ImageProvider> = ["anthropic", "openai", "gemini"]
const side = fc.integer({ min: 1, max: 8000 })

describe("image token costs, by the providers' own formulas", () => {
  it("OpenAI: the worked examples of its documentation", () => {
    // 1024 × 1024: short side to 768, 4 tiles.
    expect(imageTokens("openai", { width: 1024, height: 1024 })).toBe(765)
    // 2048 × 4096: fitted to 1024 × 2048, then 768 × 1536, 6 tiles.
    expect(usedSize("openai", { width: 2048, height: 4096 })).toEqual({ width: 768, height: 1536 })
    expect(imageTokens("openai", { width: 2048, height: 4096 })).toBe(1105)
    expect(imageTokens("openai", { width: 4096, height: 8192 }, { low: true })).toBe(85)
  })

  it("Anthropic: about w·h/750, after its own downscale past 1568 px or ~1.15 megapixels", () => {
    expect(imageTokens("anthropic", { width: 1000, height: 1000 })).toBe(1334)
    expect(imageTokens("anthropic", { width: 200, height: 200 })).toBe(54)
    expect(usedSize("anthropic", { width: 3136, height: 400 })).toEqual({ width: 1568, height: 200 })
    const big = usedSize("anthropic", { width: 4000, height: 3000 })
    expect(big.width * big.height).toBeLessThanOrEqual(1_150_000 * 1.001)
    expect(imageTokens("anthropic", { width: 4000, height: 3000 })).toBeLessThanOrEqual(1534)
  })

  it("Gemini: 258 for a small image, 258 per 768-px tile otherwise", () => {
    expect(imageTokens("gemini", { width: 384, height: 384 })).toBe(258)
    expect(imageTokens("gemini", { width: 1024, height: 768 })).toBe(516)
    expect(imageTokens("gemini", { width: 1600, height: 1600 })).toBe(258 * 9)
  })

  it("property: the size used is never larger than the image, and a smaller image never costs more (Anthropic: but for its downscale's rounding, a pixel per side)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROVIDERS), side, side, fc.double({ min: 0.05, max: 1, noNaN: true }), (provider, width, height, f) => {
        const used = usedSize(provider, { width, height })
        expect(used.width).toBeLessThanOrEqual(width)
        expect(used.height).toBeLessThanOrEqual(height)
        const smaller = { width: Math.max(1, Math.floor(width * f)), height: Math.max(1, Math.floor(height * f)) }
        // A pixel more on each side of Anthropic's downscaled size is (w + h + 1) / 750 tokens.
        const rounding = provider === "anthropic" ? Math.ceil((used.width + used.height + 1) / 750) : 0
        expect(imageTokens(provider, smaller)).toBeLessThanOrEqual(imageTokens(provider, { width, height }) + rounding)
      }),
      { numRuns: 500 }
    )
  })
})
