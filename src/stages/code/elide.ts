/**
 * Which lines of a source file to elide, from its syntax tree: function bodies that are long and
 * not about the query, the middles of long comments and docstrings. Each elision is a range of
 * whole lines replaced by one marker line that keeps the file parseable.
 *
 * @since 0.1.0
 */
import type { Node, Tree } from "web-tree-sitter"
import type { LanguageSpec } from "./languages.ts"
import type { Loaded } from "./parser.ts"

export interface Elision {
  /** First and last elided rows, 0-based, inclusive. */
  readonly from: number
  readonly to: number
  /** What was elided, for the marker: `body of parse()`, `comment`, `docstring`. */
  readonly what: string
  /** How the marker line is written: code in a body, or text inside a comment or string. */
  readonly as: "body" | "comment" | "text"
}

/**
 * A body is short — kept whole — when it is smaller than the marker that would replace it
 * (about this many characters), or has fewer than three lines.
 */
const MARKER_CHARS = 110
const MIN_BODY_LINES = 3
/** Comment and docstring lines left out only when there are at least this many (a marker costs about three). */
const MIN_HIDDEN = 3

const nameOf = (fn: Node): string => {
  const own = fn.childForFieldName("name")
  if (own) return own.text
  // `const handler = () => { … }`, `handler: function () { … }`
  const parent = fn.parent
  const named = parent?.childForFieldName("name") ?? parent?.childForFieldName("key") ?? parent?.childForFieldName("left")
  return named && named.endIndex - named.startIndex < 80 ? named.text : `function at line ${fn.startPosition.row + 1}`
}

const mentions = (text: string, words: ReadonlyArray<string>) => {
  if (words.length === 0) return false
  const lower = text.toLowerCase()
  return words.some((w) => lower.includes(w))
}

/** The first statement of a Python block, when it is a docstring. */
const docstringOf = (block: Node): Node | undefined => {
  const first = block.namedChild(0)
  return first?.type === "expression_statement" && first.namedChild(0)?.type === "string" ? first : undefined
}

/** Elides a long docstring's middle lines; returns the row after it. */
const docstringElision = (doc: Node, out: Array<Elision>) => {
  const from = doc.startPosition.row
  const to = doc.endPosition.row
  if (to - from - 1 >= MIN_HIDDEN) out.push({ from: from + 1, to: to - 1, what: "docstring", as: "text" })
}

/** The last row a node covers; some grammars end a line comment after its newline. */
const lastRow = (node: Node): number =>
  node.endPosition.column === 0 && node.endPosition.row > node.startPosition.row ? node.endPosition.row - 1 : node.endPosition.row

/** Whether rows from..to are worth a marker: enough lines, and more text than the marker. */
const worthEliding = (lines: ReadonlyArray<string>, from: number, to: number): boolean => {
  if (to - from + 1 < MIN_BODY_LINES) return false
  let chars = 0
  for (let r = from; r <= to && chars <= MARKER_CHARS * 1.5; r++) chars += lines[r]!.trim().length
  return chars > MARKER_CHARS * 1.5
}

export const elisions = (
  tree: Tree,
  lines: ReadonlyArray<string>,
  loaded: Loaded,
  spec: LanguageSpec,
  query: string | undefined
): Array<Elision> => {
  const words = (query ?? "").toLowerCase().split(/\s+/).filter((w) => w.length > 1)
  const found: Array<Elision> = []
  const root = tree.rootNode

  for (const match of loaded.functions.matches(root)) {
    const fn = match.captures.find((c) => c.name === "fn")?.node
    const body = match.captures.find((c) => c.name === "body")?.node
    if (!fn || !body || fn.hasError) continue
    const name = nameOf(fn)
    if (mentions(name, words) || mentions(body.text, words)) continue
    const what = `body of ${name}()`
    if (spec.style === "brace") {
      const from = body.startPosition.row + 1
      const to = body.endPosition.row - 1
      if (worthEliding(lines, from, to)) found.push({ from, to, what, as: "body" })
      continue
    }
    // Python: the block starts on the line after `def …:` (else it is a one-liner).
    if (body.startPosition.row === fn.startPosition.row) continue
    let from = body.startPosition.row
    const to = body.endPosition.row
    const doc = docstringOf(body)
    if (doc) {
      docstringElision(doc, found)
      from = doc.endPosition.row + 1
    }
    if (worthEliding(lines, from, to)) found.push({ from, to, what, as: "body" })
  }

  // Like docstrings, long comments keep their first line (block comments their last one too).
  let run: { from: number; to: number; column: number } | undefined
  const flushRun = () => {
    if (run && run.to - run.from >= MIN_HIDDEN) found.push({ from: run.from + 1, to: run.to, what: "comment", as: "comment" })
    run = undefined
  }
  for (const { node } of loaded.comments.captures(root)) {
    const from = node.startPosition.row
    const to = lastRow(node)
    if (to > from) {
      flushRun()
      if (to - from - 1 >= MIN_HIDDEN) found.push({ from: from + 1, to: to - 1, what: "comment", as: "text" })
    } else if (run && from === run.to + 1 && node.startPosition.column === run.column) run.to = from
    else {
      flushRun()
      run = { from, to, column: node.startPosition.column }
    }
  }
  flushRun()

  // Module and class docstrings.
  if (spec.style === "indent") {
    const moduleDoc = docstringOf(root)
    if (moduleDoc) docstringElision(moduleDoc, found)
  }
  for (const { node } of loaded.docstrings?.captures(root) ?? []) {
    const doc = docstringOf(node)
    if (doc) docstringElision(doc, found)
  }

  // Outer elisions win over the ones inside them.
  found.sort((a, b) => a.from - b.from || b.to - a.to)
  const kept: Array<Elision> = []
  for (const e of found) {
    const last = kept.at(-1)
    if (last && e.from <= last.to) continue
    kept.push(e)
  }
  return kept
}
