/**
 * Prose, line by line, as words a scorer may drop and parts that always stay: a line's
 * indentation and list or heading marker, inline code spans, URLs, and punctuation. Fenced code
 * blocks, headings, tables and blank lines stay whole.
 *
 * @since 0.1.0
 */

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

// A code span, a URL, a word (letters, digits, and inner ' - _ . / :), or one other character.
const PART = /`[^`]*`|\b(?:https?|ftp|file):\/\/[^\s)>\]]+|[\p{L}\p{N}_](?:[\p{L}\p{N}_'’\-./:@#]*[\p{L}\p{N}_])?|[^\s]/gu
const PREFIX = /^(\s*(?:[-*+]\s+|\d+[.)]\s+|>\s?)*)/
const WORDLIKE = /^[\p{L}\p{N}_]/u

export const splitProse = (text: string): Array<Line> => {
  const lines: Array<Line> = []
  let fence = false
  for (const raw of text.split(/(?<=\n)/)) {
    const eol = /\r?\n$/.exec(raw)?.[0] ?? ""
    const body = raw.slice(0, raw.length - eol.length)
    const isFence = /^\s*(?:```|~~~)/.test(body)
    if (isFence) fence = !fence
    if (isFence || fence || body.trim() === "" || /^\s*#{1,6}\s/.test(body) || /^\s*\|/.test(body) || /^( {4}|\t)/.test(body)) {
      lines.push({ prefix: "", parts: [], eol, whole: true, text: body })
      continue
    }
    const prefix = PREFIX.exec(body)![1]!
    const rest = body.slice(prefix.length)
    const parts: Array<Part> = []
    let last = 0
    for (const m of rest.matchAll(PART)) {
      const at = m.index ?? 0
      parts.push({ text: m[0], space: rest.slice(last, at), word: WORDLIKE.test(m[0]) && !m[0].startsWith("`") && !/^\w+:\/\//.test(m[0]) })
      last = at + m[0].length
    }
    lines.push({ prefix, parts, eol, whole: false, text: body })
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
    const attach = !WORDLIKE.test(p.text) && !p.text.startsWith("`") && !/^[(\["'“‘]/.test(p.text) && p.space === ""
    out += first || attach ? (first ? "" : p.space) : (p.space === "" ? "" : " ")
    out += p.text
    first = false
  })
  return out.trimEnd() + line.eol
}
