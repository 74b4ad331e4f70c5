/**
 * An image made cheaper for a provider: scaled to the size that costs fewest tokens by that
 * provider's formula (cost.ts) without going below what its content needs — text no lower than a
 * line height it can still be read at, diagrams and photos no smaller than a useful long edge —
 * then encoded in the smallest of the formats every provider takes (PNG, JPEG, WebP) that suits
 * it: lossless (WebP, or PNG with a palette) for text and diagrams, lossy for photos. Never
 * larger in pixels or tokens, and at the same tokens never larger in bytes; anything sharp
 * cannot read passes through.
 *
 * @since 0.4.0
 */
import type { Metadata, Sharp } from "sharp"
import { loadSharp } from "./sharp.ts"
import { type ImageProvider, imageTokens, type Size, usedSize } from "./cost.ts"
import { featuresOf, textLineHeight } from "./features.ts"
import { classify, type ImageClass } from "./router.ts"

/** A line of text is never scaled below this many pixels high (a 5×7 glyph at ~1.4 px a font pixel; a real font's ascender to descender at ~10 px). */
export const MIN_LINE_PX = 10
/** Without legible text to keep, a diagram keeps a long edge of at least this, a photo of this. */
const DIAGRAM_LONG_EDGE = 1024
const PHOTO_LONG_EDGE = 640
/** Images bigger than this many pixels are not decoded (a decompression bomb, or nothing an agent sends). */
const MAX_PIXELS = 40_000_000

export type ImageFormat = "png" | "jpeg" | "webp"

export interface Shrunk {
  readonly bytes: Uint8Array
  readonly format: ImageFormat
  readonly before: Size
  readonly after: Size
  readonly tokensBefore: number
  readonly tokensAfter: number
  readonly imageClass: ImageClass
  /** The height of its lines of text, when it shows some. */
  readonly lineHeight: number | undefined
}

export interface ShrinkOptions {
  readonly provider: ImageProvider
  /** OpenAI's `detail: "low"`: a flat price, so only bytes can be saved. */
  readonly low?: boolean | undefined
}

/** Why an image stays as it came. */
export type Kept = { readonly kept: "unreadable" | "animated" | "too-large" | "not-smaller"; readonly note?: string }

/** The scale (of the original) below which this image's content would suffer. */
const floorOf = (imageClass: ImageClass, size: Size, lineHeight: number | undefined): number => {
  const longEdge = Math.max(size.width, size.height)
  if (lineHeight !== undefined && imageClass !== "photo") return MIN_LINE_PX / lineHeight
  if (imageClass === "text") return 1
  return (imageClass === "diagram" ? DIAGRAM_LONG_EDGE : PHOTO_LONG_EDGE) / longEdge
}

const scaledBy = (size: Size, s: number): Size => ({ width: Math.max(1, Math.round(size.width * s)), height: Math.max(1, Math.round(size.height * s)) })

/**
 * The size, between `floor` and the size the provider itself would use, that costs the fewest
 * tokens (the largest of those that tie): a grid of scales, and the scales where a side meets a
 * tile's edge.
 */
export const targetSize = (size: Size, floor: number, options: ShrinkOptions): Size => {
  const used = usedSize(options.provider, size)
  const top = Math.min(1, used.width / size.width, used.height / size.height)
  const bottom = Math.min(top, Math.max(floor, 16 / Math.min(size.width, size.height)))
  const scales = new Set<number>([top, bottom])
  for (let i = 1; i < 64; i++) scales.add(bottom + ((top - bottom) * i) / 64)
  for (const edge of [384, 512, 768]) {
    for (let k = 1; k <= 8; k++) for (const side of [size.width, size.height]) scales.add((edge * k) / side)
  }
  let best: { size: Size; tokens: number; scale: number } | undefined
  for (const s of scales) {
    if (s < bottom || s > top) continue
    const candidate = scaledBy(size, s)
    const tokens = imageTokens(options.provider, candidate, { low: options.low })
    if (best === undefined || tokens < best.tokens || (tokens === best.tokens && s > best.scale)) best = { size: candidate, tokens, scale: s }
  }
  return best!.size
}

/** The image encoded each way that suits its class; the smallest. */
const smallest = async (pipeline: Sharp, imageClass: ImageClass, alpha: boolean): Promise<{ bytes: Buffer; format: ImageFormat }> => {
  const tries: Array<Promise<{ bytes: Buffer; format: ImageFormat }>> = []
  const encode = (format: ImageFormat, apply: (p: Sharp) => Sharp) =>
    tries.push(apply(pipeline.clone()).toBuffer().then((bytes) => ({ bytes, format })))
  if (imageClass === "photo") {
    if (!alpha) encode("jpeg", (p) => p.jpeg({ quality: 80, mozjpeg: true }))
    encode("webp", (p) => p.webp({ quality: 80 }))
  } else {
    encode("png", (p) => p.png({ palette: true, quality: 100, compressionLevel: 9 }))
    encode("webp", (p) => p.webp({ lossless: true }))
  }
  const all = await Promise.all(tries)
  return all.reduce((a, b) => (b.bytes.length < a.bytes.length ? b : a))
}

/** The image made cheaper for the provider, or why it stays as it came. */
export const shrink = async (input: Uint8Array, options: ShrinkOptions): Promise<Shrunk | Kept> => {
  let meta: Metadata
  try {
    meta = await loadSharp()(input).metadata()
  } catch (e) {
    return { kept: "unreadable", note: e instanceof Error ? e.message : String(e) }
  }
  if ((meta.pages ?? 1) > 1) return { kept: "animated" }
  const width = meta.autoOrient?.width ?? meta.width
  const height = meta.autoOrient?.height ?? meta.height
  if (!width || !height) return { kept: "unreadable" }
  if (width * height > MAX_PIXELS) return { kept: "too-large", note: `${width}×${height}` }
  const before: Size = { width, height }
  // Decoded once, upright (as its EXIF orientation says), for every step after.
  const { data, info } = await loadSharp()(input).rotate().raw().toBuffer({ resolveWithObject: true })
  const upright = () => loadSharp()(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
  const features = await featuresOf(upright(), width, height)
  const imageClass = classify(features)
  const lineHeight = imageClass === "photo" ? undefined : await textLineHeight(upright())
  const after = targetSize(before, floorOf(imageClass, before, lineHeight), options)
  const resized = after.width === width && after.height === height ? upright() : upright().resize(after.width, after.height, { kernel: "lanczos3", fit: "fill" })
  // Transparency rules out JPEG (asked of the image, not of the decoded bands).
  const { bytes, format } = await smallest(resized, imageClass, meta.hasAlpha === true)
  const tokensBefore = imageTokens(options.provider, before, { low: options.low })
  const tokensAfter = imageTokens(options.provider, after, { low: options.low })
  // Fewer tokens is the point (a flat screenshot may then take a few more bytes); at the same
  // tokens, only fewer bytes is worth a change.
  if (tokensAfter > tokensBefore || (tokensAfter === tokensBefore && bytes.length >= input.length)) return { kept: "not-smaller" }
  return { bytes, format, before, after, tokensBefore, tokensAfter, imageClass, lineHeight }
}
