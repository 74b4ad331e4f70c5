/**
 * Which lines of a source file to elide, from its syntax tree: function bodies that are long and
 * not about the query, the middles of long comments, docstrings and data literals. Each elision
 * is a range of whole lines replaced by one marker line that keeps the file parseable.
 *
 * @since 0.1.0
 */
import type { Node, Tree } from "web-tree-sitter"
import type { LanguageSpec } from "./languages.ts"
import type { Loaded } from "./parser.ts"
import type { CommentRows } from "./skeleton.ts"

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
 * Lines are kept — a body, a comment's or docstring's middle — when they are fewer than three or
 * hold less text than the marker that would replace them (about this many characters) would.
 */
const MARKER_CHARS = 110
const MIN_HIDDEN_LINES = 3

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

/** The first statement of a Python block (comments before it aside), when it is a docstring. */
const docstringOf = (block: Node): Node | undefined => {
  let first = block.namedChild(0)
  while (first?.type === "comment") first = first.nextNamedSibling
  return first?.type === "expression_statement" && first.namedChild(0)?.type === "string" ? first : undefined
}

/** Elides a long docstring's middle lines. */
const docstringElision = (doc: Node, lines: ReadonlyArray<string>, out: Array<Elision>) => {
  const from = doc.startPosition.row + 1
  const to = doc.endPosition.row - 1
  if (worthEliding(lines, from, to)) out.push({ from, to, what: "docstring", as: "text" })
}

/** The last row a node covers; some grammars end a line comment after its newline. */
const lastRow = (node: Node): number =>
  node.endPosition.column === 0 && node.endPosition.row > node.startPosition.row ? node.endPosition.row - 1 : node.endPosition.row

/** What the stage looks for in a tree. */
export interface Landmarks {
  /** Function-like nodes with their bodies. */
  readonly functions: Array<{ fn: Node; body: Node }>
  /** Nodes whose body may open with a docstring. */
  readonly docstringOwners: Array<Node>
  /** Data literals (arrays, lists). */
  readonly literals: Array<Node>
}

/** The landmarks of a tree: one search of it, cheaper than a query's. */
export const landmarksOf = (root: Node, spec: LanguageSpec): Landmarks => {
  const found: Landmarks = { functions: [], docstringOwners: [], literals: [] }
  const bodyType = new Map(spec.functions)
  const literal = new Set(spec.literals)
  for (const node of root.descendantsOfType([...bodyType.keys(), ...spec.docstrings ?? [], ...spec.literals])) {
    if (!node) continue
    const wanted = bodyType.get(node.type)
    if (wanted !== undefined) {
      const body = node.childForFieldName("body")
      if (body && body.type === wanted) found.functions.push({ fn: node, body })
    } else if (literal.has(node.type)) found.literals.push(node)
    else found.docstringOwners.push(node)
  }
  return found
}

/** The name a literal is given (`const NAMES = [`, `static POW10: [f64; 309] = [`), if short. */
const literalName = (node: Node): string | undefined => {
  for (let up = node.parent, depth = 0; up && depth < 3; up = up.parent, depth++) {
    const named = up.childForFieldName("name") ?? up.childForFieldName("left") ?? up.childForFieldName("declarator")
    if (named && named.endIndex - named.startIndex < 60 && !named.text.includes("\n")) return named.text
  }
  return undefined
}

/** Where the comments of a parsed file are, when no skeleton gave them. */
export const commentRows = (tree: Tree, loaded: Loaded): Array<CommentRows> =>
  loaded.comments.captures(tree.rootNode).map(({ node }) => ({
    from: node.startPosition.row,
    to: lastRow(node),
    column: node.startPosition.column
  }))

/**
 * Whether a block's rows from..to can go whole: nothing in it runs from the row of its opening
 * bracket into them, or from them into the row of its closing one (`(function(){"use strict";(function f() {`).
 */
const ownsItsRows = (body: Node, from: number, to: number): boolean => {
  for (let i = 0; i < body.namedChildCount; i++) {
    const child = body.namedChild(i)!
    const start = child.startPosition.row
    const end = lastRow(child)
    if ((start < from && end >= from) || (start <= to && end > to)) return false
  }
  return true
}

/** Whether a node lies inside one of these types. */
const insideAny = (node: Node, types: ReadonlyArray<string>): boolean => {
  for (let up = node.parent; up; up = up.parent) if (types.includes(up.type)) return true
  return false
}

/** Whether rows from..to are worth a marker: enough lines, and more text than the marker. */
const worthEliding = (lines: ReadonlyArray<string>, from: number, to: number): boolean => {
  if (to - from + 1 < MIN_HIDDEN_LINES) return false
  let chars = 0
  for (let r = from; r <= to && chars <= MARKER_CHARS * 1.5; r++) chars += lines[r]!.trim().length
  return chars > MARKER_CHARS * 1.5
}

/**
 * The elisions of a file, from its tree (of the file or of its skeleton: only rows are read from
 * it, never the text of a body) and its comments.
 */
export const elisions = (
  tree: Tree,
  comments: ReadonlyArray<CommentRows>,
  lines: ReadonlyArray<string>,
  spec: LanguageSpec,
  query: string | undefined
): Array<Elision> => {
  const words = (query ?? "").toLowerCase().split(/\s+/).filter((w) => w.length > 1)
  const found: Array<Elision> = []
  const root = tree.rootNode

  const { functions, docstringOwners, literals } = landmarksOf(root, spec)
  for (const { fn, body } of functions) {
    if (fn.hasError) continue
    const name = nameOf(fn)
    if (words.length > 0 && (mentions(name, words) || mentions(lines.slice(body.startPosition.row, body.endPosition.row + 1).join(""), words))) continue
    const what = `body of ${name}()`
    if (spec.style === "brace") {
      const from = body.startPosition.row + 1
      const to = body.endPosition.row - 1
      if (worthEliding(lines, from, to) && ownsItsRows(body, from, to)) found.push({ from, to, what, as: "body" })
      continue
    }
    // Python: the block starts on the line after `def …:` (else it is a one-liner).
    if (body.startPosition.row === fn.startPosition.row) continue
    let from = body.startPosition.row
    const to = body.endPosition.row
    const doc = docstringOf(body)
    if (doc) {
      docstringElision(doc, lines, found)
      from = doc.endPosition.row + 1
    }
    if (worthEliding(lines, from, to)) found.push({ from, to, what, as: "body" })
  }

  // Long data literals outside functions (tables of numbers, lists of names) keep their first and
  // last rows, like comments; a literal with a function inside, or about the query, stays whole.
  const functionTypes = spec.functions.map(([fn]) => fn)
  for (const node of literals) {
    const from = node.startPosition.row + 1
    const to = lastRow(node) - 1
    if (!worthEliding(lines, from, to) || !ownsItsRows(node, from, to)) continue
    if (words.length > 0 && mentions(lines.slice(from - 1, to + 2).join(""), words)) continue
    if (insideAny(node, functionTypes) || node.descendantsOfType(functionTypes).length > 0) continue
    const name = literalName(node)
    found.push({ from, to, what: name ? `values of ${name}` : "values", as: "comment" })
  }

  // Like docstrings, long comments keep their first line (block comments their last one too).
  let run: { from: number; to: number; column: number } | undefined
  const flushRun = () => {
    if (run && worthEliding(lines, run.from + 1, run.to)) found.push({ from: run.from + 1, to: run.to, what: "comment", as: "comment" })
    run = undefined
  }
  for (const { from, to, column } of comments) {
    if (to > from) {
      flushRun()
      if (worthEliding(lines, from + 1, to - 1)) found.push({ from: from + 1, to: to - 1, what: "comment", as: "text" })
    } else if (lines[from]!.slice(0, column).trim() !== "") flushRun() // after code on its row: not a comment line
    else if (run && from === run.to + 1 && column === run.column) run.to = from
    else {
      flushRun()
      run = { from, to, column }
    }
  }
  flushRun()

  // Module and class docstrings.
  if (spec.style === "indent") {
    const moduleDoc = docstringOf(root)
    if (moduleDoc) docstringElision(moduleDoc, lines, found)
  }
  for (const owner of docstringOwners) {
    const body = owner.childForFieldName("body")
    const doc = body && docstringOf(body)
    if (doc) docstringElision(doc, lines, found)
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
