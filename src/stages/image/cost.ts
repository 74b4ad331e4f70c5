/**
 * What an image costs in tokens at each provider, by each provider's published formula, and the
 * size each one actually uses (every provider downscales large images itself, so pixels beyond
 * that size are paid for in bytes and bring the model nothing). The image stage chooses its target
 * sizes against these.
 *
 * - Anthropic: an image whose long edge is over 1568 px, or whose area is over ~1.15 megapixels,
 *   is scaled down to fit both; it then costs about w·h/750 tokens.
 * - OpenAI (`detail: "high"`): fitted within 2048 × 2048, then scaled so its short side is at
 *   most 768; 170 tokens per 512-px tile plus 85. `detail: "low"`: 85 tokens, whatever the size.
 * - Gemini: 258 tokens for an image at most 384 px on both sides; otherwise 258 per 768-px tile.
 *
 * @since 0.4.0
 */

export type ImageProvider = "anthropic" | "openai" | "gemini"

export interface Size {
  readonly width: number
  readonly height: number
}

const ANTHROPIC_LONG_EDGE = 1568
const ANTHROPIC_MAX_PIXELS = 1_150_000

/** `size` scaled by `factor` (at most 1: never enlarged), each side at least 1 px. */
const scaled = (size: Size, factor: number): Size => {
  const f = Math.min(1, factor)
  return { width: Math.max(1, Math.round(size.width * f)), height: Math.max(1, Math.round(size.height * f)) }
}

/** The size a provider works from: the image as it is, or as the provider scales it down. */
export const usedSize = (provider: ImageProvider, size: Size): Size => {
  switch (provider) {
    case "anthropic": {
      const byEdge = ANTHROPIC_LONG_EDGE / Math.max(size.width, size.height)
      const byArea = Math.sqrt(ANTHROPIC_MAX_PIXELS / (size.width * size.height))
      return scaled(size, Math.min(byEdge, byArea))
    }
    case "openai": {
      const fitted = scaled(size, 2048 / Math.max(size.width, size.height))
      return scaled(fitted, 768 / Math.min(fitted.width, fitted.height))
    }
    case "gemini":
      return size
  }
}

/** Input tokens an image of `size` costs at a provider (OpenAI at `detail: "high"` unless `low`). */
export const imageTokens = (provider: ImageProvider, size: Size, options: { readonly low?: boolean | undefined } = {}): number => {
  const used = usedSize(provider, size)
  switch (provider) {
    case "anthropic":
      return Math.ceil((used.width * used.height) / 750)
    case "openai":
      return options.low === true ? 85 : 85 + 170 * Math.ceil(used.width / 512) * Math.ceil(used.height / 512)
    case "gemini":
      return used.width <= 384 && used.height <= 384 ? 258 : 258 * Math.ceil(used.width / 768) * Math.ceil(used.height / 768)
  }
}
