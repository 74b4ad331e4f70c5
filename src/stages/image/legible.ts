/**
 * The legibility check: reads text drawn with the project's pixel font (font.ts) back from an
 * image — scaled, re-encoded — by glyph matching. Where each character was drawn is known; its
 * cell in the image is sampled down to the font's 5×7 grid (area averages) and matched to the
 * glyph it correlates with best. Offline, no model: a character is legible when it is read as
 * the character drawn.
 *
 * @since 0.4.0
 */
import { loadSharp } from "./sharp.ts"
import { FONT_CHARS, GLYPH_HEIGHT, GLYPH_PIXELS, GLYPH_WIDTH, glyphOf } from "./font.ts"

export interface DrawnLine {
  readonly text: string
  readonly x: number
  readonly y: number
  readonly scale: number
}

const centred = (v: ArrayLike<number>): Array<number> => {
  const values = Array.from(v)
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const out = values.map((x) => x - mean)
  const norm = Math.sqrt(out.reduce((a, b) => a + b * b, 0)) || 1
  return out.map((x) => x / norm)
}

const TEMPLATES = FONT_CHARS.filter((c) => c !== " ").map((c) => ({ char: c, pixels: centred(GLYPH_PIXELS.get(c)!) }))

/** The mean of a grey image over a rectangle given in fractional pixels (each pixel weighed by how much of it is covered). */
const areaMean = (grey: Uint8Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number): number => {
  let sum = 0
  let weight = 0
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(height, Math.ceil(y1)); y++) {
    const wy = Math.min(y + 1, y1) - Math.max(y, y0)
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(width, Math.ceil(x1)); x++) {
      const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0))
      sum += w * grey[y * width + x]!
      weight += w
    }
  }
  return weight > 0 ? sum / weight : 0
}

/**
 * How many of the drawn characters (spaces aside) an image shows legibly, of how many: `image`
 * is the drawn one after any scaling (its size tells the scale).
 */
export const readBack = async (image: Uint8Array, lines: ReadonlyArray<DrawnLine>, original: { readonly width: number; readonly height: number }): Promise<{ readonly read: number; readonly total: number }> => {
  const { data, info } = await loadSharp()(image).flatten({ background: "#ffffff" }).greyscale().raw().toBuffer({ resolveWithObject: true })
  const counts = new Uint32Array(256)
  for (const v of data) counts[v]!++
  const polarity = counts.indexOf(Math.max(...counts)) < 128 ? 1 : -1
  const fx = info.width / original.width
  const fy = info.height / original.height
  let read = 0
  let total = 0
  for (const line of lines) {
    for (const [i, char] of [...line.text].entries()) {
      if (char === " ") continue
      total++
      const left = line.x + i * (GLYPH_WIDTH + 1) * line.scale
      const cell = new Float64Array(GLYPH_WIDTH * GLYPH_HEIGHT)
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          const x0 = (left + col * line.scale) * fx
          const y0 = (line.y + row * line.scale) * fy
          cell[row * GLYPH_WIDTH + col] = areaMean(data, info.width, info.height, x0, y0, x0 + line.scale * fx, y0 + line.scale * fy)
        }
      }
      // Ink lighter than the background (a terminal) or darker (a page): make ink positive.
      const sampled = centred(cell).map((v) => v * polarity)
      let best: Uint8Array | undefined
      let bestScore = -Infinity
      for (const t of TEMPLATES) {
        const score = t.pixels.reduce((sum, v, k) => sum + v * sampled[k]!, 0)
        if (score > bestScore) {
          bestScore = score
          best = GLYPH_PIXELS.get(t.char)
        }
      }
      if (best === glyphOf(char)) read++
    }
  }
  return { read, total }
}
