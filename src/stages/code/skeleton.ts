/**
 * A source file's skeleton: the same text with what the stage never reads — function bodies,
 * their parameter lists, comments, Rust macro bodies, long strings' middle rows — cut down to its
 * line breaks, so every node left keeps its row. tree-sitter parses a skeleton several times
 * faster than the file (most of a file is bodies), and the stage only needs where functions and
 * their bodies start and end, never what is in them.
 *
 * A small lexer per language family finds these (lex-brace.ts, lex-python.ts). Its guesses only
 * decide how much is left out: a body it misses is parsed in full, and the stage drops a skeleton
 * whose syntax errors come next to a cut body and parses the whole file instead.
 *
 * @since 0.1.0
 */
import type { GrammarName } from "./languages.ts"
import { lexBraces, type Family } from "./lex-brace.ts"
import { lexPython } from "./lex-python.ts"

/** Start and end (exclusive) of a stretch of the text, in UTF-16 units. */
export type Span = readonly [from: number, to: number]

/** A function body's stretch, and what stands for it (when not just its line breaks). */
export type Body = readonly [from: number, to: number, replacement?: string]

/** What a lexer found outside function bodies: the bodies themselves, the comments, the rest to cut. */
export interface Found {
  readonly bodies: ReadonlyArray<Body>
  readonly comments: ReadonlyArray<Span>
  /** Other stretches the parser need not read (parameter lists, a long string's middle rows). */
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

const FAMILY: Partial<Record<GrammarName, Family | "python">> = {
  python: "python",
  javascript: "js",
  typescript: "js",
  tsx: "js",
  go: "go",
  rust: "rust",
  java: "java",
  cpp: "cpp"
}

/**
 * The skeleton of a source file, or undefined when there is no lexer for its language (only the
 * languages the stage began with have one: for the others the whole file is parsed) or the
 * lexer could not follow the file (its brackets do not balance).
 *
 * Its text is the file's with each body, comment and blank replaced by the line breaks in it (a
 * comment by a space first, so the words around it stay apart): rows stay where they were,
 * columns change only after a removed stretch on its own line, and the parser reads nothing it
 * does not need. One pass over the three lists (each in order) writes it and counts rows.
 */
export const skeletonOf = (text: string, language: GrammarName): Skeleton | undefined => {
  const family = FAMILY[language]
  if (family === undefined) return undefined
  const found = family === "python" ? lexPython(text) : lexBraces(text, family)
  if (found === undefined) return undefined
  const { bodies, comments } = found
  const blanks = found.blanks ?? []
  const parts: Array<string> = []
  const commentRows: Array<CommentRows> = []
  const bodyRows: Array<Rows> = []
  let at = 0 // text copied up to here
  let row = 0 // line breaks before `counted`
  let counted = 0
  const rowOf = (position: number): number => {
    for (let j = text.indexOf("\n", counted); j >= 0 && j < position; j = text.indexOf("\n", j + 1)) row++
    counted = Math.max(counted, position)
    return row
  }
  let b = 0, c = 0, k = 0
  for (;;) {
    const nextBody = bodies[b]?.[0] ?? Infinity
    const nextComment = comments[c]?.[0] ?? Infinity
    const nextBlank = blanks[k]?.[0] ?? Infinity
    const from = Math.min(nextBody, nextComment, nextBlank)
    if (from === Infinity) break
    const kind = from === nextBody ? "body" : from === nextComment ? "comment" : "blank"
    const to = kind === "body" ? bodies[b]![1] : kind === "comment" ? comments[c++]![1] : blanks[k++]![1]
    const first = rowOf(from)
    const breaks = rowOf(to) - first
    // The row of the stretch's last character (a line comment's ends before its line break).
    const last = to > from && text.charCodeAt(to - 1) === 10 ? first + breaks - 1 : first + breaks
    parts.push(text.slice(at, from))
    if (kind === "body") {
      parts.push(bodies[b]![2] ?? "\n".repeat(breaks))
      bodyRows.push([first, last])
      b++
    } else if (kind === "comment") {
      parts.push(" " + "\n".repeat(breaks))
      commentRows.push({ from: first, to: last, column: from - (text.lastIndexOf("\n", from - 1) + 1) })
    } else parts.push("\n".repeat(breaks))
    at = to
  }
  parts.push(text.slice(at))
  return { text: parts.join(""), comments: commentRows, bodies: bodyRows }
}
