/**
 * A source file's skeleton: the same text with the inside of every function body cut down to its
 * line breaks, so every node outside the bodies keeps its row. tree-sitter
 * parses a skeleton several times faster than the file — most of a file is bodies — and the stage
 * only needs where the bodies start and end, never what is in them.
 *
 * A small lexer per language family finds the bodies (lex-brace.ts, lex-python.ts). Its guesses
 * only decide how much is left out: a body it misses is parsed in full, and a skeleton that does
 * not parse cleanly is dropped for the whole file.
 *
 * @since 0.1.0
 */
import type { LanguageName } from "./languages.ts"
import { lexBraces, type Family } from "./lex-brace.ts"
import { lexPython } from "./lex-python.ts"

/** Start and end (exclusive) of a stretch of the text, in UTF-16 units. */
export type Span = readonly [from: number, to: number]

/** A function body's stretch, and what stands for it (when not just its line breaks). */
export type Body = readonly [from: number, to: number, replacement?: string]

/** What a lexer found outside function bodies: the bodies themselves, and the comments. */
export interface Found {
  readonly bodies: ReadonlyArray<Body>
  readonly comments: ReadonlyArray<Span>
  /** Other stretches the parser need not read (a long string's middle rows). */
  readonly blanks?: ReadonlyArray<Span>
}

/** A comment's first and last rows (0-based) and the column it starts at. */
export interface CommentRows {
  readonly from: number
  readonly to: number
  readonly column: number
}

/** First and last rows (0-based) of a stretch. */
export type Rows = readonly [from: number, to: number]

/** What the code stage parses instead of a file, the comments the parser will not see, and the rows of the bodies left out. */
export interface Skeleton {
  readonly text: string
  readonly comments: ReadonlyArray<CommentRows>
  readonly bodies: ReadonlyArray<Rows>
}

const FAMILY: Record<LanguageName, Family | "python"> = {
  python: "python",
  javascript: "js",
  typescript: "js",
  tsx: "js",
  go: "go",
  rust: "rust",
  java: "java",
  cpp: "cpp"
}

/** Where each row of a text starts. */
const rowStarts = (text: string): Array<number> => {
  const starts = [0]
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) starts.push(nl + 1)
  return starts
}

/** The row a position is on (the line breaks before it). */
const rowAt = (starts: ReadonlyArray<number>, position: number): number => {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= position) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * The text with each body and comment replaced by the line breaks in it (a comment by a space
 * first, so the words around it stay apart): rows stay where they were, columns change only
 * after a removed stretch on its own line, and the parser reads nothing it does not need.
 */
const skeletonText = (text: string, found: Found, starts: ReadonlyArray<number>): string => {
  const breaks = (from: number, to: number) => "\n".repeat(rowAt(starts, to) - rowAt(starts, from))
  const cuts: Array<Body> = [...found.bodies, ...found.comments.map(([from, to]) => [from, to, " " + breaks(from, to)] as const), ...found.blanks ?? []]
  cuts.sort((a, b) => a[0] - b[0])
  const parts: Array<string> = []
  let at = 0
  for (const [from, to, replacement] of cuts) {
    parts.push(text.slice(at, from), replacement ?? breaks(from, to))
    at = to
  }
  parts.push(text.slice(at))
  return parts.join("")
}

/**
 * The skeleton of a source file, or undefined when there is no lexer for its language or the
 * lexer could not follow the file (its brackets do not balance).
 */
export const skeletonOf = (text: string, language: LanguageName): Skeleton | undefined => {
  const family = FAMILY[language]
  const found = family === "python" ? lexPython(text) : lexBraces(text, family)
  if (found === undefined) return undefined
  const starts = rowStarts(text)
  // A line comment ends at its line break, a block comment at its `*/`.
  const comments = found.comments.map(([from, to]): CommentRows => {
    const row = rowAt(starts, from)
    return { from: row, to: rowAt(starts, to - 1), column: from - starts[row]! }
  })
  const bodies = found.bodies.map(([from, to]): Rows => [rowAt(starts, from), rowAt(starts, Math.max(from, to - 1))])
  return { text: skeletonText(text, found, starts), comments, bodies }
}
