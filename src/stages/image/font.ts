/**
 * A 5×7 pixel font of the project's own (capitals, digits, common punctuation), and text drawn
 * with it into raw pixels. It serves two ends: generated screenshots and terminal captures for
 * the image router's training data and the stage's evals, and the legibility check, which reads
 * such text back after compression by matching each cell against these glyphs (glyph-match OCR,
 * offline, no model). Lower-case letters are drawn as capitals.
 *
 * @since 0.4.0
 */

export const GLYPH_WIDTH = 5
export const GLYPH_HEIGHT = 7

/** Each glyph: 7 rows of 5 pixels, `#` inked. */
const GLYPHS: Record<string, string> = {
  A: ".###. #...# #...# ##### #...# #...# #...#",
  B: "####. #...# #...# ####. #...# #...# ####.",
  C: ".###. #...# #.... #.... #.... #...# .###.",
  D: "####. #...# #...# #...# #...# #...# ####.",
  E: "##### #.... #.... ####. #.... #.... #####",
  F: "##### #.... #.... ####. #.... #.... #....",
  G: ".###. #...# #.... #.### #...# #...# .####",
  H: "#...# #...# #...# ##### #...# #...# #...#",
  I: ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
  J: "..### ...#. ...#. ...#. ...#. #..#. .##..",
  K: "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
  L: "#.... #.... #.... #.... #.... #.... #####",
  M: "#...# ##.## #.#.# #.#.# #...# #...# #...#",
  N: "#...# #...# ##..# #.#.# #..## #...# #...#",
  O: ".###. #...# #...# #...# #...# #...# .###.",
  P: "####. #...# #...# ####. #.... #.... #....",
  Q: ".###. #...# #...# #...# #.#.# #..#. .##.#",
  R: "####. #...# #...# ####. #.#.. #..#. #...#",
  S: ".#### #.... #.... .###. ....# ....# ####.",
  T: "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
  U: "#...# #...# #...# #...# #...# #...# .###.",
  V: "#...# #...# #...# #...# #...# .#.#. ..#..",
  W: "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
  X: "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
  Y: "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
  Z: "##### ....# ...#. ..#.. .#... #.... #####",
  "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
  "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
  "2": ".###. #...# ....# ...#. ..#.. .#... #####",
  "3": "####. ....# ....# .###. ....# ....# ####.",
  "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
  "5": "##### #.... ####. ....# ....# #...# .###.",
  "6": "..##. .#... #.... ####. #...# #...# .###.",
  "7": "##### ....# ...#. ..#.. .#... .#... .#...",
  "8": ".###. #...# #...# .###. #...# #...# .###.",
  "9": ".###. #...# #...# .#### ....# ...#. .##..",
  ".": "..... ..... ..... ..... ..... .##.. .##..",
  ",": "..... ..... ..... ..... .##.. ..#.. .#...",
  ":": "..... .##.. .##.. ..... .##.. .##.. .....",
  "-": "..... ..... ..... ##### ..... ..... .....",
  "=": "..... ..... ##### ..... ##### ..... .....",
  "/": "....# ....# ...#. ..#.. .#... #.... #....",
  "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
  ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
  "_": "..... ..... ..... ..... ..... ..... #####",
  ">": ".#... ..#.. ...#. ....# ...#. ..#.. .#...",
  "<": "...#. ..#.. .#... #.... .#... ..#.. ...#.",
  "'": "..#.. ..#.. ..... ..... ..... ..... .....",
  '"': ".#.#. .#.#. ..... ..... ..... ..... .....",
  "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
  "*": "..... #.#.# .###. ##### .###. #.#.# .....",
  "#": ".#.#. ##### .#.#. .#.#. .#.#. ##### .#.#.",
  "[": ".###. .#... .#... .#... .#... .#... .###.",
  "]": ".###. ...#. ...#. ...#. ...#. ...#. .###.",
  " ": "..... ..... ..... ..... ..... ..... ....."
}

/** Each glyph as 35 pixels, 1 where inked, row by row. */
export const GLYPH_PIXELS: ReadonlyMap<string, Uint8Array> = new Map(
  Object.entries(GLYPHS).map(([char, rows]) => [char, Uint8Array.from(rows.replace(/ /g, ""), (c) => (c === "#" ? 1 : 0))])
)

/** The characters the font draws (lower case drawn as capitals; anything else as a space). */
export const FONT_CHARS = [...GLYPH_PIXELS.keys()]

export const glyphOf = (char: string): Uint8Array => GLYPH_PIXELS.get(char.toUpperCase()) ?? GLYPH_PIXELS.get(" ")!

/** An RGB canvas: `width × height` pixels, 3 bytes each. */
export interface Canvas {
  readonly width: number
  readonly height: number
  readonly pixels: Uint8Array
}

export type Rgb = readonly [number, number, number]

export const canvas = (width: number, height: number, background: Rgb): Canvas => {
  const pixels = new Uint8Array(width * height * 3)
  for (let i = 0; i < width * height; i++) pixels.set(background, i * 3)
  return { width, height, pixels }
}

export const fillRect = (c: Canvas, x: number, y: number, w: number, h: number, colour: Rgb): void => {
  for (let row = Math.max(0, y); row < Math.min(c.height, y + h); row++) {
    for (let col = Math.max(0, x); col < Math.min(c.width, x + w); col++) c.pixels.set(colour, (row * c.width + col) * 3)
  }
}

/**
 * Draws a line of text with its top-left corner at (x, y), each font pixel `scale` × `scale`
 * screen pixels, one blank font column between characters: a character advances `6 × scale`.
 */
export const drawText = (c: Canvas, text: string, x: number, y: number, scale: number, colour: Rgb): void => {
  for (const [i, char] of [...text].entries()) {
    const glyph = glyphOf(char)
    const left = x + i * (GLYPH_WIDTH + 1) * scale
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) if (glyph[row * GLYPH_WIDTH + col]) fillRect(c, left + col * scale, y + row * scale, scale, scale, colour)
    }
  }
}
