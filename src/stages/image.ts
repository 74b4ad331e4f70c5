/**
 * image: an image made cheaper for the model that will read it (shrink.ts): scaled to what the
 * provider bills fewest tokens for without going below what its content needs (text stays
 * readable), encoded in the smallest suitable format. The original is stored; `headroom ccr-get
 * HASH > original.png` gives it back byte for byte. Images it cannot read, animated ones and
 * ones it cannot make smaller pass through.
 *
 * @since 0.4.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, type ContentType, unchanged } from "../core/content.ts"
import { NotAnImage, type StoreError } from "../core/errors.ts"
import { Store } from "../core/store.ts"
import { failOpen } from "./fail-open.ts"
import type { ImageProvider } from "./image/cost.ts"
import { shrink } from "./image/shrink.ts"
import { stage } from "./stage.ts"

export const IMAGE_PROVIDERS: ReadonlyArray<ImageProvider> = ["anthropic", "openai", "gemini"]

/** The image types the stage reads: what the providers take (and TIFF, sent as one they take). */
const READS = new Set(["image:png", "image:jpeg", "image:webp", "image:gif", "image:tiff"])

export interface ImageOptions {
  readonly provider?: ImageProvider | undefined
  /** OpenAI's `detail: "low"`. */
  readonly low?: boolean | undefined
  readonly ttlMs?: number | undefined
  readonly type?: ContentType | undefined
}

/** An image made smaller for a provider (Anthropic unless given); its original stored. */
export const imageBytes = (input: Uint8Array, options: ImageOptions = {}): Effect.Effect<Compressed, StoreError | NotAnImage, Store | Config> =>
  Effect.gen(function*() {
    const type = options.type ?? "image:png"
    const provider = options.provider ?? "anthropic"
    const result = yield* Effect.promise(() => shrink(input, { provider, low: options.low }))
    if ("kept" in result) {
      if (result.kept === "unreadable") return yield* new NotAnImage({ reason: result.note ?? "no size" })
      return unchanged(input, "image", type, result.kept === "not-smaller" ? "not-smaller" : "no-compressor", result.note ?? result.kept)
    }
    const settings = yield* Config
    const store = yield* Store
    const { key } = yield* store.put(input, options.ttlMs ?? settings.ttlMs)
    const { before, after } = result
    return {
      output: result.bytes,
      stage: "image",
      type: `image:${result.format}`,
      key,
      bytesBefore: input.length,
      bytesAfter: result.bytes.length,
      dropped: {},
      note: `${before.width}×${before.height} → ${after.width}×${after.height} ${result.format}, ${result.imageClass}` +
        (result.lineHeight !== undefined ? `, text lines ${result.lineHeight} px` : ""),
      image: { provider, before, after, tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter }
    } satisfies Compressed
  }).pipe(failOpen(input, "image", options.type ?? "image:png"))

export const imageStage = stage<{ provider: ImageProvider | undefined }>({
  name: "image",
  summary: "make an image cost fewer tokens: scaled to what the provider bills, text kept readable; original stored",
  description:
    "Read an image (PNG, JPEG, WebP, GIF, TIFF) from stdin and write a smaller one to stdout: scaled to the size " +
    "that costs the fewest tokens by the provider's own formula (Anthropic: w·h/750 after its 1568-px downscale; " +
    "OpenAI: 512-px tiles after fitting 2048 and 768; Gemini: 258 per 768-px tile), never below what its content " +
    "needs — a trained router tells text (screenshots, terminals, code) from diagrams and photos, and lines of text " +
    "stay at least 10 px high — then encoded as the smallest of PNG, WebP or JPEG that suits it. The original is " +
    "stored: `headroom ccr-get HASH > original.png` gives it back. Never larger; unreadable or animated images pass " +
    "through.",
  examples: [
    { command: "headroom image < screenshot.png > smaller.png", description: "for Claude (the default provider)" },
    { command: "headroom image --provider openai --stats < photo.jpg > smaller.jpg", description: "for GPT, saying what it saved" },
    { command: "headroom ccr-get 3f1c9a0b7d2e > original.png", description: "the full-resolution original back" }
  ],
  handles: (type) => READS.has(type),
  options: {
    provider: { kind: "choice", choices: IMAGE_PROVIDERS, description: "whose token formula to shrink for: anthropic (default), openai or gemini" }
  },
  run: (input, options) => imageBytes(input, options)
})
