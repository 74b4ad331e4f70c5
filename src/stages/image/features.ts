/**
 * What the image router looks at, from a small copy of the image: how much of it is edges, how
 * many colours it uses (entropy), how much is one background colour, how colourful and how fine
 * its variations are, and its size. And, for text, how tall its lines of text are, from the full
 * image: the stage never scales text below a height it can still be read at.
 *
 * @since 0.4.0
 */
import type { Sharp } from "sharp"

/** The router's inputs, in a fixed order. */
export const FEATURES = ["edges", "entropy", "background", "saturation", "fine", "megapixels"] as const
export type Features = Record<(typeof FEATURES)[number], number>

/** The small copy's long side: enough to tell text from photos, cheap to read. */
const THUMB = 256

const grey = (r: number, g: number, b: number) => (r * 299 + g * 587 + b * 114) / 1000

/** The features of an image (`width` × `height`: its size before any scaling). */
export const featuresOf = async (image: Sharp, width: number, height: number): Promise<Features> => {
  const { data, info } = await image.flatten({ background: "#ffffff" }).resize(THUMB, THUMB, { fit: "inside", withoutEnlargement: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const w = info.width
  const h = info.height
  const n = w * h
  const histogram = new Uint32Array(4096)
  let saturation = 0
  const g = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const r = data[i * 3]!
    const gg = data[i * 3 + 1]!
    const b = data[i * 3 + 2]!
    histogram[((r >> 4) << 8) | ((gg >> 4) << 4) | (b >> 4)]!++
    saturation += Math.max(r, gg, b) - Math.min(r, gg, b)
    g[i] = grey(r, gg, b)
  }
  let entropy = 0
  let top = 0
  for (const count of histogram) {
    if (count === 0) continue
    const p = count / n
    entropy -= p * Math.log2(p)
    if (count > top) top = count
  }
  let edges = 0
  let fine = 0
  let pairs = 0
  // Each pixel against its right and lower neighbours.
  const pair = (a: number, b: number) => {
    const d = Math.abs(a - b)
    pairs++
    if (d > 40) edges++
    else if (d >= 1 && d <= 12) fine++
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = g[y * w + x]!
      if (x + 1 < w) pair(v, g[y * w + x + 1]!)
      if (y + 1 < h) pair(v, g[(y + 1) * w + x]!)
    }
  }
  return {
    edges: edges / Math.max(1, pairs),
    entropy: entropy / 12,
    background: top / n,
    saturation: saturation / n / 255,
    fine: fine / Math.max(1, pairs),
    megapixels: Math.log2((width * height) / 1e6)
  }
}

/**
 * The height in pixels of the image's lines of text (the median run of rows with ink, in
 * vertical strips), or undefined when it shows no lines of text.
 */
export const textLineHeight = async (image: Sharp): Promise<number | undefined> => {
  const { data, info } = await image.flatten({ background: "#ffffff" }).greyscale().raw().toBuffer({ resolveWithObject: true })
  const w = info.width
  const h = info.height
  const counts = new Uint32Array(256)
  for (let i = 0; i < w * h; i++) counts[data[i * info.channels]!]!++
  const background = counts.indexOf(Math.max(...counts))
  const STRIPS = 8
  const runs: Array<number> = []
  for (let s = 0; s < STRIPS; s++) {
    const from = Math.floor((s * w) / STRIPS)
    const to = Math.floor(((s + 1) * w) / STRIPS)
    let run = 0
    for (let y = 0; y <= h; y++) {
      // A row of text crosses several strokes in a strip; a box's sides are one or two.
      let strokes = 0
      if (y < h) {
        let inStroke = false
        for (let x = from; x < to && strokes < 3; x++) {
          const on = Math.abs(data[(y * w + x) * info.channels]! - background) > 48
          if (on && !inStroke) strokes++
          inStroke = on
        }
      }
      const ink = strokes >= 3
      if (ink) run++
      else {
        if (run >= 3 && run <= 120) runs.push(run)
        run = 0
      }
    }
  }
  if (runs.length < 6) return undefined
  runs.sort((a, b) => a - b)
  return runs[Math.floor(runs.length / 2)]
}
