/**
 * Prose, line by line, as words a scorer may drop and parts that always stay: a line's
 * indentation and list or heading marker, inline code spans, URLs, and punctuation. Fenced code
 * blocks, headings, tables and blank lines stay whole.
 *
 * @since 0.1.0
 */
import { textLines } from "../../core/lines.ts"

export interface Line {
  /** Text that stays at the start of the line: indentation, `- `, `1. `, `> `. */
  readonly prefix: string
  /** The words and fixed parts of the line, in order. */
  readonly parts: ReadonlyArray<Part>
  /** The line ending. */
  readonly eol: string
  /** True when the whole line stays as it is (code, heading, table, blank). */
  readonly whole: boolean
  readonly text: string
}

export interface Part {
  readonly text: string
  /** Whitespace before this part in the original line. */
  readonly space: string
  /** Words may be dropped by a scorer; everything else stays. */
  readonly word: boolean
}

/** Letters and digits: ASCII alphanumerics and _, and anything from U+00C0 up but general punctuation. */
const isWordChar = (c: number) =>
  c < 128 ? (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 : c >= 0xc0 && !(c >= 0x2010 && c <= 0x206f)
/** Characters a word may hold inside it (not at its ends): ' ’ - . / : @ # */
const isInner = (c: number) => c === 39 || c === 0x2019 || c === 45 || c === 46 || c === 47 || c === 58 || c === 64 || c === 35
const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 10 || c === 11 || c === 12 || c === 160
const URL_START = /^(?:https?|ftp|file):\/\//
const URL_END = /[\s)>\]]/
/** Indentation and list or quote markers at the start of a line. */
const PREFIX = /^(\s*(?:[-*+]\s+|\d+[.)]\s+|>\s?)*)/

/**
 * The parts of a line: code spans, URLs and words (letters and digits, with ' - . / : @ # inside)
 * stay together; any other character is a part of its own. Each part records the space before it.
 */
const partsOf = (rest: string): Array<Part> => {
  const parts: Array<Part> = []
  const n = rest.length
  let i = 0
  let spaceFrom = 0
  while (i < n) {
    const c = rest.charCodeAt(i)
    if (isSpace(c)) {
      i++
      continue
    }
    const space = i === spaceFrom ? "" : rest.slice(spaceFrom, i)
    let end = i + 1
    let word = false
    if (c === 96) {
      const close = rest.indexOf("`", i + 1)
      end = close === -1 ? n : close + 1
    } else if ((c === 104 || c === 102) && URL_START.test(rest.slice(i, i + 8))) {
      end = i + 1
      while (end < n && !URL_END.test(rest[end]!)) end++
    } else if (isWordChar(c)) {
      word = true
      while (end < n) {
        const d = rest.charCodeAt(end)
        if (isWordChar(d)) end++
        else if (isInner(d) && end + 1 < n && isWordChar(rest.charCodeAt(end + 1))) end += 2
        else break
      }
    } else if (c >= 0xd800 && c <= 0xdbff) end = i + 2 // a symbol outside the BMP, kept whole
    parts.push({ text: rest.slice(i, end), space, word })
    i = end
    spaceFrom = i
  }
  return parts
}

export const splitProse = (text: string): Array<Line> => {
  const lines: Array<Line> = []
  let fence = false
  for (const raw of textLines(text)) {
    const eol = /\r?\n$/.exec(raw)?.[0] ?? ""
    const body = raw.slice(0, raw.length - eol.length)
    const isFence = /^\s*(?:```|~~~)/.test(body)
    if (isFence) fence = !fence
    if (isFence || fence || body.trim() === "" || /^\s*#{1,6}\s/.test(body) || /^\s*\|/.test(body) || /^( {4}|\t)/.test(body)) {
      lines.push({ prefix: "", parts: [], eol, whole: true, text: body })
      continue
    }
    const prefix = PREFIX.exec(body)![1]!
    lines.push({ prefix, parts: partsOf(body.slice(prefix.length)), eol, whole: false, text: body })
  }
  return lines
}

/**
 * Writes a line back with only the kept parts: its prefix, then the kept parts each with the
 * space before it (single spaces where words between were dropped), punctuation attached.
 */
export const joinLine = (line: Line, keep: ReadonlyArray<boolean>): string => {
  if (line.whole) return line.text + line.eol
  let out = line.prefix
  let first = true
  line.parts.forEach((p, i) => {
    if (!keep[i]) return
    const attach = !p.word && !p.text.startsWith("`") && !/^[(\["'“‘]/.test(p.text) && p.space === ""
    out += first || attach ? (first ? "" : p.space) : (p.space === "" ? "" : " ")
    out += p.text
    first = false
  })
  return out.trimEnd() + line.eol
}
