/**
 * Labelled images the project makes itself, from a seed: screenshots (light UI, at 1× and HiDPI
 * scales), terminal captures, code in an editor, diagrams (boxes, arrows, labels) and photo-like
 * scenes (smooth fractal colour fields with grain). They train the image router
 * (scripts/train-image-router.ts), test the stage, and make the set its savings are measured on.
 * Every text drawn is known, so the legibility check can read it back.
 *
 * @since 0.4.0
 */
import { loadSharp } from "./sharp.ts"
import { type Canvas, canvas, drawText, fillRect, GLYPH_HEIGHT, type Rgb } from "./font.ts"
import type { ImageClass } from "./router.ts"

export type GeneratedKind = "screenshot" | "terminal" | "code" | "diagram" | "photo"

export const CLASS_OF: Record<GeneratedKind, ImageClass> = { screenshot: "text", terminal: "text", code: "text", diagram: "diagram", photo: "photo" }

export interface Generated {
  readonly kind: GeneratedKind
  readonly label: ImageClass
  readonly png: Buffer
  readonly width: number
  readonly height: number
  /** The text lines drawn, where, and at what scale (font pixel size). */
  readonly lines: ReadonlyArray<{ readonly text: string; readonly x: number; readonly y: number; readonly scale: number }>
}

/** A small seeded generator (mulberry32): the same seed gives the same image. */
export const random = (seed: number) => {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(next() * xs.length)]!
  }
}
type Random = ReturnType<typeof random>

const WORDS = [
  "error", "build", "test", "passed", "failed", "config", "server", "request", "import", "return", "const", "function", "async",
  "await", "export", "module", "value", "index", "status", "deploy", "main", "branch", "commit", "merge", "user", "token",
  "cache", "proxy", "stream", "timeout", "retry", "warning", "debug", "info", "query", "result", "update", "delete"
]

const sentence = (r: Random, words: number) => Array.from({ length: words }, () => r.pick(WORDS)).join(" ")

const LIGHT: ReadonlyArray<Rgb> = [[255, 255, 255], [246, 248, 250], [250, 250, 245]]
const DARK: ReadonlyArray<Rgb> = [[30, 30, 30], [40, 44, 52], [12, 12, 12], [0, 43, 54]]
const INK_DARK: ReadonlyArray<Rgb> = [[36, 41, 47], [20, 20, 20], [80, 80, 80], [3, 102, 214], [207, 34, 46]]
const INK_LIGHT: ReadonlyArray<Rgb> = [[220, 220, 220], [152, 195, 121], [97, 175, 239], [229, 192, 123], [224, 108, 117], [255, 255, 255]]

type Lines = Array<{ text: string; x: number; y: number; scale: number }>

const textBlock = (c: Canvas, r: Random, lines: Lines, x: number, y: number, w: number, h: number, scale: number, inks: ReadonlyArray<Rgb>, indent = false) => {
  const lineHeight = Math.round(GLYPH_HEIGHT * scale * 1.6)
  const perLine = Math.floor(w / (6 * scale))
  for (let top = y; top + GLYPH_HEIGHT * scale <= y + h; top += lineHeight) {
    const pad = indent ? r.int(0, 3) * 2 : 0
    const text = sentence(r, r.int(2, 9)).slice(0, Math.max(0, perLine - pad))
    if (r.next() < 0.12 || text === "") continue
    const left = x + pad * 6 * scale
    drawText(c, text, left, top, scale, r.pick(inks))
    lines.push({ text, x: left, y: top, scale })
  }
}

const screenshot = (r: Random, lines: Lines): Canvas => {
  const [width, height, scale] = r.pick([[1280, 800, 2], [1440, 900, 2], [1920, 1080, 2], [2560, 1600, 4], [2880, 1800, 4], [1366, 768, 2]] as const)
  const c = canvas(width, height, r.pick(LIGHT))
  fillRect(c, 0, 0, width, 16 * scale, [222, 225, 230])
  const side = r.int(width / 8, width / 4)
  fillRect(c, 0, 16 * scale, side, height, [240, 242, 245])
  textBlock(c, r, lines, 8 * scale, 24 * scale, side - 16 * scale, height - 32 * scale, scale, INK_DARK)
  const buttons = r.int(1, 4)
  for (let b = 0; b < buttons; b++) fillRect(c, side + 20 * scale + b * 70 * scale, 24 * scale, 60 * scale, 14 * scale, r.pick([[3, 102, 214], [46, 160, 67], [230, 230, 230]] as const))
  textBlock(c, r, lines, side + 20 * scale, 48 * scale, width - side - 40 * scale, height - 60 * scale, scale, INK_DARK)
  return c
}

const terminal = (r: Random, lines: Lines): Canvas => {
  const [width, height, scale] = r.pick([[1200, 700, 2], [1600, 900, 2], [1920, 1080, 3], [1000, 600, 2], [2400, 1400, 4]] as const)
  const c = canvas(width, height, r.pick(DARK))
  textBlock(c, r, lines, 6 * scale, 6 * scale, width - 12 * scale, height - 12 * scale, scale, INK_LIGHT)
  return c
}

const code = (r: Random, lines: Lines): Canvas => {
  const [width, height, scale] = r.pick([[1400, 900, 2], [1920, 1200, 2], [2560, 1440, 3]] as const)
  const dark = r.next() < 0.6
  const c = canvas(width, height, dark ? r.pick(DARK) : r.pick(LIGHT))
  const gutter = 40 * scale
  fillRect(c, 0, 0, gutter, height, dark ? [35, 35, 40] : [235, 235, 235])
  const lineHeight = Math.round(GLYPH_HEIGHT * scale * 1.6)
  for (let top = 4 * scale, n = 1; top + GLYPH_HEIGHT * scale <= height; top += lineHeight, n++) drawText(c, String(n), 4 * scale, top, scale, [128, 128, 128])
  textBlock(c, r, lines, gutter + 8 * scale, 4 * scale, width - gutter - 16 * scale, height - 8 * scale, scale, dark ? INK_LIGHT : INK_DARK, true)
  return c
}

const line = (c: Canvas, x0: number, y0: number, x1: number, y1: number, width: number, colour: Rgb) => {
  const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1)
  for (let s = 0; s <= steps; s++) {
    fillRect(c, Math.round(x0 + ((x1 - x0) * s) / steps), Math.round(y0 + ((y1 - y0) * s) / steps), width, width, colour)
  }
}

const diagram = (r: Random, lines: Lines): Canvas => {
  const [width, height] = r.pick([[1600, 1000], [2000, 1200], [1200, 900], [2400, 1600]] as const)
  const scale = r.pick([2, 3])
  const c = canvas(width, height, [255, 255, 255])
  const boxes = Array.from({ length: r.int(4, 9) }, () => {
    const w = r.int(160, 360)
    const h = r.int(70, 140)
    return { x: r.int(20, width - w - 20), y: r.int(20, height - h - 20), w, h }
  })
  for (let i = 1; i < boxes.length; i++) {
    const a = boxes[i - 1]!
    const b = boxes[i]!
    line(c, a.x + a.w / 2, a.y + a.h / 2, b.x + b.w / 2, b.y + b.h / 2, 3, [90, 90, 90])
  }
  for (const box of boxes) {
    const fill = r.pick([[222, 235, 255], [255, 242, 204], [226, 240, 217], [248, 206, 204]] as const)
    fillRect(c, box.x, box.y, box.w, box.h, [60, 60, 60])
    fillRect(c, box.x + 3, box.y + 3, box.w - 6, box.h - 6, fill)
    const text = sentence(r, 2).slice(0, Math.floor((box.w - 20) / (6 * scale)))
    const y = box.y + Math.round((box.h - GLYPH_HEIGHT * scale) / 2)
    drawText(c, text, box.x + 10, y, scale, [20, 20, 20])
    lines.push({ text, x: box.x + 10, y, scale })
  }
  return c
}

/** A photo-like scene: octaves of smooth value noise in colour, a soft light, and grain. */
const photo = async (r: Random): Promise<{ raw: Buffer; width: number; height: number }> => {
  const [width, height] = r.pick([[2048, 1536], [1600, 1200], [1920, 1280], [1200, 1600], [2400, 1600]] as const)
  const w = Math.ceil(width / 8)
  const h = Math.ceil(height / 8)
  const small = Buffer.alloc(w * h * 3)
  const octaves = [4, 9, 20, 45].map((cells) => {
    const grid = Array.from({ length: (cells + 2) * (cells + 2) * 3 }, () => r.next())
    return { cells, grid }
  })
  const base = [r.next(), r.next(), r.next()]
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let v = 0
        let amp = 0.55
        for (const { cells, grid } of octaves) {
          const gx = (x / w) * cells
          const gy = (y / h) * cells
          const x0 = Math.floor(gx)
          const y0 = Math.floor(gy)
          const fx = gx - x0
          const fy = gy - y0
          const at = (xx: number, yy: number) => grid[((yy * (cells + 2)) + xx) * 3 + ch]!
          const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
          const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
          v += amp * (top * (1 - fy) + bottom * fy - 0.5)
          amp /= 2
        }
        const light = 0.75 + 0.25 * Math.cos(((x / w) - 0.3) * 2) * Math.cos(((y / h) - 0.4) * 2)
        small[(y * w + x) * 3 + ch] = Math.max(0, Math.min(255, Math.round(255 * (base[ch]! * 0.6 + 0.2 + v) * light)))
      }
    }
  }
  // Objects: shaded ellipses, a horizon.
  const horizon = r.int(Math.floor(h / 4), Math.floor((3 * h) / 4))
  const ground: Rgb = [r.int(40, 140), r.int(60, 140), r.int(20, 90)]
  for (let y = horizon; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < 3; ch++) small[(y * w + x) * 3 + ch] = (small[(y * w + x) * 3 + ch]! + ground[ch]!) >> 1
  for (let k = r.int(3, 7); k > 0; k--) {
    const cx = r.int(0, w)
    const cy = r.int(0, h)
    const rx = r.int(w / 20, w / 5)
    const ry = r.int(h / 20, h / 5)
    const colour: Rgb = [r.int(0, 255), r.int(0, 255), r.int(0, 255)]
    for (let y = Math.max(0, cy - ry); y < Math.min(h, cy + ry); y++) {
      for (let x = Math.max(0, cx - rx); x < Math.min(w, cx + rx); x++) {
        const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
        if (d > 1) continue
        const shade = 1 - 0.5 * d
        for (let ch = 0; ch < 3; ch++) small[(y * w + x) * 3 + ch] = Math.round(colour[ch]! * shade)
      }
    }
  }
  const raw = await loadSharp()(small, { raw: { width: w, height: h, channels: 3 } }).resize(width, height, { kernel: "cubic" }).raw().toBuffer()
  for (let i = 0; i < raw.length; i++) raw[i] = Math.max(0, Math.min(255, raw[i]! + Math.round((r.next() - 0.5) * 18)))
  return { raw, width, height }
}

/** One labelled image of a kind, from a seed. */
export const generate = async (kind: GeneratedKind, seed: number): Promise<Generated> => {
  const r = random(seed * 7919 + kind.length)
  const lines: Lines = []
  let raw: { raw: Uint8Array; width: number; height: number }
  if (kind === "photo") raw = await photo(r)
  else {
    const c = kind === "screenshot" ? screenshot(r, lines) : kind === "terminal" ? terminal(r, lines) : kind === "code" ? code(r, lines) : diagram(r, lines)
    raw = { raw: c.pixels, width: c.width, height: c.height }
  }
  const png = await loadSharp()(raw.raw, { raw: { width: raw.width, height: raw.height, channels: 3 } }).png().toBuffer()
  return { kind, label: CLASS_OF[kind], png, width: raw.width, height: raw.height, lines }
}

export const KINDS: ReadonlyArray<GeneratedKind> = ["screenshot", "terminal", "code", "diagram", "photo"]
