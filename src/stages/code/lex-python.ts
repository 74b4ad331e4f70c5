/**
 * The lexer of Python for skeletons: finds the bodies of `def`s (after their docstring) and the
 * comments outside them. A body's rows become blank but for a `pass` on its first and last row,
 * so the parser still sees a block that starts and ends where the body did.
 *
 * It follows strings (prefixed, triple-quoted), brackets and backslash continuations to know
 * where each logical line starts; a block ends before the first logical line indented no deeper
 * than its `def`.
 *
 * @since 0.1.0
 */
import type { Body, Found, Span } from "./skeleton.ts"

const NL = 10, SPACE = 32, TAB = 9, CR = 13, HASH = 35, BACKSLASH = 92, DQUOTE = 34, SQUOTE = 39

/** One logical line: its rows, its indentation, how it starts and whether it ends with `:`. */
interface Logical {
  readonly firstRow: number
  lastRow: number
  /** Its indentation, as written. */
  readonly indent: string
  readonly isDef: boolean
  /** A row holding only a comment (a block does not end at one). */
  readonly commentOnly: boolean
  /** It starts with a string literal: a docstring, when first in a body. */
  readonly startsWithString: boolean
  endsWithColon: boolean
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127

/**
 * The logical lines of a Python source, its comments, what the parser need not read (long
 * strings' middle rows, defs' parameters) and where each row starts.
 */
const logicalLines = (text: string) => {
  const n = text.length
  const lines: Array<Logical> = []
  const comments: Array<Span> = []
  const middles: Array<Span> = []
  const rowStarts: Array<number> = [0]
  let row = 0
  let depth = 0
  let continued = false
  let current: Logical | undefined
  // Where the current def's parameters start, and how many comments and strings came before.
  let params: [from: number, before: number] | undefined
  const cuts: Array<Span> = []
  let i = 0
  while (i < n) {
    // At the start of a physical row.
    const rowStart = i
    let j = i
    while (j < n && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB || text.charCodeAt(j) === 12)) j++
    const first = text.charCodeAt(j)
    const blank = j >= n || first === NL || first === CR
    if (!blank && depth === 0 && !continued) {
      params = undefined
      let prefixEnd = j
      while (prefixEnd < n && prefixEnd - j < 3 && isWordChar(text.charCodeAt(prefixEnd))) prefixEnd++
      const quote = text.charCodeAt(prefixEnd)
      current = {
        firstRow: row,
        lastRow: row,
        indent: text.slice(rowStart, j),
        isDef: /^(?:async\s+)?def\b/.test(text.slice(j, j + 12)),
        commentOnly: first === HASH,
        startsWithString: (quote === DQUOTE || quote === SQUOTE) && /^[rRbBuUfF]{0,2}$/.test(text.slice(j, prefixEnd)),
        endsWithColon: false
      }
      lines.push(current)
    }
    // Through the row's code, strings that continue past it, and its comment.
    i = j
    continued = false
    let lastCode = -1
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c === NL) break
      if (c === HASH) {
        const end = text.indexOf("\n", i)
        const stop = end < 0 ? n : text.charCodeAt(end - 1) === CR ? end - 1 : end
        comments.push([i, stop])
        i = stop
        continue
      }
      if (c === DQUOTE || c === SQUOTE) {
        const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c
        const openRow = row
        let k = triple ? i + 3 : i + 1
        for (; k < n; k++) {
          const d = text.charCodeAt(k)
          if (d === BACKSLASH) {
            if (text.charCodeAt(k + 1) === NL) (rowStarts.push(k + 2), row++)
            k++
          } else if (d === c && (!triple || (text.charCodeAt(k + 1) === c && text.charCodeAt(k + 2) === c))) break
          else if (d === NL) {
            if (!triple) break
            rowStarts.push(k + 1)
            row++
          }
        }
        if (k < n && text.charCodeAt(k) === NL) {
          i = k // an unterminated one-line string ends at its row
          continue
        }
        // A string's middle rows are only its text: the parser need not read them.
        if (row - openRow >= 2) middles.push([rowStarts[openRow + 1]!, rowStarts[row]! - 1])
        i = Math.min(n, triple ? k + 3 : k + 1)
        lastCode = i - 1
        continue
      }
      if (c === 40 || c === 91 || c === 123) {
        if (c === 40 && depth === 0 && current?.isDef && params === undefined) params = [i + 1, comments.length + middles.length]
        depth++
      } else if ((c === 41 || c === 93 || c === 125) && depth > 0) {
        depth--
        // A def's parameters, unless a comment or long string is inside them.
        if (depth === 0 && params !== undefined && params[0] >= 0) {
          if (params[1] === comments.length + middles.length && i > params[0]) cuts.push([params[0], i])
          params = [-1, 0]
        }
      }
      if (c === BACKSLASH && (text.charCodeAt(i + 1) === NL || (text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NL))) continued = true
      else if (c !== SPACE && c !== TAB && c !== CR) lastCode = i
      i++
    }
    if (current && lastCode >= 0 && !current.commentOnly) {
      current.lastRow = row
      current.endsWithColon = text.charCodeAt(lastCode) === 58
    }
    if (i < n) {
      i++ // the line break
      row++
      rowStarts.push(i)
    }
  }
  return { lines, comments, blanks: [...middles, ...cuts].sort((a, b) => a[0] - b[0]), rowStarts }
}

/** Where row r's text ends, before its line break. */
const rowEnd = (text: string, rowStarts: ReadonlyArray<number>, r: number): number => {
  const next = r + 1 < rowStarts.length ? rowStarts[r + 1]! - 1 : text.length
  return next > 0 && text.charCodeAt(next - 1) === CR ? next - 1 : next
}

export const lexPython = (text: string): Found | undefined => {
  const { lines, comments, blanks, rowStarts } = logicalLines(text)
  const bodies: Array<Body> = []
  let blankedUntil = -1 // the last row of the last body left out
  for (let k = 0; k < lines.length; k++) {
    const def = lines[k]!
    if (def.firstRow <= blankedUntil || !def.isDef || !def.endsWithColon) continue
    // The block: deeper lines, and comments at any depth between them.
    let end = k
    for (let m = k + 1; m < lines.length; m++) {
      if (lines[m]!.indent.length > def.indent.length) end = m
      else if (!lines[m]!.commentOnly) break
    }
    let first = k + 1
    while (first <= end && lines[first]!.commentOnly) first++
    if (first > end) continue
    const indent = lines[first]!.indent
    if (lines[first]!.startsWithString) first++
    if (first > end) continue
    const from = lines[first]!.firstRow
    const to = lines[end]!.lastRow
    const pass = indent + "pass"
    const replacement = from === to ? pass : pass + "\n".repeat(to - from) + pass
    bodies.push([rowStarts[from]!, rowEnd(text, rowStarts, to), replacement])
    blankedUntil = to
  }
  return { bodies, comments: outside(comments, bodies), blanks: outside(blanks, bodies) }
}

/** The spans that are not inside a body left out (both lists in order). */
const outside = (spans: ReadonlyArray<Span>, bodies: ReadonlyArray<Body>): Array<Span> => {
  const kept: Array<Span> = []
  let b = 0
  for (const span of spans) {
    while (b < bodies.length && bodies[b]![1] < span[0]) b++
    if (b < bodies.length && bodies[b]![0] <= span[0]) continue
    kept.push(span)
  }
  return kept
}
