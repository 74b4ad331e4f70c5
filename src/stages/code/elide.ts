/**
 * Which lines of a source file to elide, from its syntax tree: function bodies that are long and
 * not about the query, the middles of long comments, docstrings and data literals. Each elision
 * is a range of whole lines replaced by one marker line that keeps the file parseable.
 *
 * @since 0.1.0
 */
import type { Node, Tree } from "web-tree-sitter"
import { mentionsAny, type Query } from "../../core/query.ts"
import type { FunctionKind, GrammarSpec } from "./languages.ts"
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

/** Words that open a definition, for names the tree does not give (Elixir's `def name(…) do`). */
const DEFINITION = /\b(?:def[a-z]*|fun|func|function|fn|sub|proc)\s+([\w.?!]+)/

const nameOf = (fn: Node): string => {
  const own = fn.childForFieldName("name")
  if (own && own.endIndex - own.startIndex < 80) return own.text
  const header = DEFINITION.exec(fn.text.slice(0, 200).split("\n", 1)[0]!)
  if (header) return header[1]!
  // `const handler = () => { … }`, `handler: function () { … }`
  const parent = fn.parent
  const named = parent?.childForFieldName("name") ?? parent?.childForFieldName("key") ?? parent?.childForFieldName("left")
  return named && named.endIndex - named.startIndex < 80 ? named.text : `function at line ${fn.startPosition.row + 1}`
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
  readonly functions: Array<{ fn: Node; body: Node; kind: FunctionKind }>
  /** Nodes whose body may open with a docstring. */
  readonly docstringOwners: Array<Node>
  /** Data literals (arrays, lists). */
  readonly literals: Array<Node>
}

/** A function's body node, where its kind says it is. */
const bodyOf = (fn: Node, kind: FunctionKind): Node | undefined => {
  if (kind.body === "field") return fn.childForFieldName("body") ?? undefined
  let at: Node | undefined = fn
  for (const type of kind.body) at = at?.children.find((c) => c?.type === type) ?? undefined
  return at
}

/** The landmarks of a tree: one search of it, cheaper than a query's. */
export const landmarksOf = (root: Node, spec: GrammarSpec): Landmarks => {
  const found: Landmarks = { functions: [], docstringOwners: [], literals: [] }
  const kinds = new Map(spec.functions.map((k) => [k.node, k]))
  const literal = new Set(spec.literals)
  for (const node of root.descendantsOfType([...kinds.keys(), ...spec.docstrings ?? [], ...spec.literals])) {
    if (!node) continue
    const kind = kinds.get(node.type)
    if (kind !== undefined) {
      if (kind.when && !kind.when(node)) continue
      const body = bodyOf(node, kind)
      if (body && kind.bodyTypes.includes(body.type)) found.functions.push({ fn: node, body, kind })
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
    const end = lastTokenRow(child)
    if ((start < from && end >= from) || (start <= to && end > to)) return false
  }
  return true
}

/** The row of a node's last token: some grammars end a node after the whitespace that follows it (Swift's `statements`). */
const lastTokenRow = (node: Node): number => {
  let last = node
  while (last.childCount > 0) last = last.child(last.childCount - 1)!
  return lastRow(last)
}


/** Whether rows from..to are worth a marker: enough lines, and more text than the marker. */
export const worthEliding = (lines: ReadonlyArray<string>, from: number, to: number): boolean => {
  if (to - from + 1 < MIN_HIDDEN_LINES) return false
  let chars = 0
  for (let r = from; r <= to && chars <= MARKER_CHARS * 1.2; r++) chars += lines[r]!.trim().length
  return chars > MARKER_CHARS * 1.2
}

/**
 * The elisions of a file, from its tree (of the file or of its skeleton: only rows are read from
 * it, never the text of a body) and its comments.
 */
export const elisions = (
  tree: Tree,
  comments: ReadonlyArray<CommentRows>,
  lines: ReadonlyArray<string>,
  spec: GrammarSpec,
  query: Query
): Array<Elision> => {
  const found: Array<Elision> = []
  const root = tree.rootNode

  const { functions, docstringOwners, literals } = landmarksOf(root, spec)
  for (const { fn, body, kind } of functions) {
    if (fn.hasError) continue
    const name = nameOf(fn)
    if (mentionsAny(query, name) || mentionsAny(query, lines.slice(body.startPosition.row, body.endPosition.row + 1).join(""))) continue
    const what = `body of ${name}()`
    if (kind.rows === "inner") {
      const from = body.startPosition.row + 1
      const to = body.endPosition.row - 1
      if (worthEliding(lines, from, to) && ownsItsRows(body, from, to)) found.push({ from, to, what, as: "body" })
      continue
    }
    // Python, Ruby, Lua: the block starts on the line after `def …:` (else it is a one-liner)
    // and ends before any closing keyword's row.
    if (body.startPosition.row === fn.startPosition.row) continue
    let from = body.startPosition.row
    const closer = fn.lastChild
    const to = closer && closer.id !== body.id && closer.startPosition.row === lastRow(body) ? lastRow(body) - 1 : lastRow(body)
    const doc = spec.docstrings !== undefined ? docstringOf(body) : undefined
    if (doc) {
      docstringElision(doc, lines, found)
      from = doc.endPosition.row + 1
    }
    if (worthEliding(lines, from, to)) found.push({ from, to, what, as: "body" })
  }

  // Long data literals outside functions (tables of numbers, lists of names) keep their first and
  // last rows, like comments; a literal with a function inside, or about the query, stays whole.
  const functionTypes = spec.functions.map((k) => k.node)
  const bodies = functions.map(({ body }) => body)
  const insideABody = (node: Node) => bodies.some((b) => b.startIndex <= node.startIndex && node.endIndex <= b.endIndex)
  for (const node of literals) {
    const from = node.startPosition.row + 1
    const to = lastRow(node) - 1
    if (!worthEliding(lines, from, to) || !ownsItsRows(node, from, to)) continue
    if (mentionsAny(query, lines.slice(from - 1, to + 2).join(""))) continue
    if (insideABody(node) || node.descendantsOfType(functionTypes).length > 0) continue
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
  if (spec.docstrings !== undefined) {
    const moduleDoc = docstringOf(root)
    if (moduleDoc) docstringElision(moduleDoc, lines, found)
  }
  for (const owner of docstringOwners) {
    const body = owner.childForFieldName("body")
    const doc = body && docstringOf(body)
    if (doc) docstringElision(doc, lines, found)
  }

  return outermost(found)
}

/** Elisions in order of rows, without overlaps: an outer elision wins over the ones inside it. */
export const outermost = (found: Array<Elision>): Array<Elision> => {
  found.sort((a, b) => a.from - b.from || b.to - a.to)
  const kept: Array<Elision> = []
  for (const e of found) {
    const last = kept.at(-1)
    if (last && e.from <= last.to) continue
    kept.push(e)
  }
  return kept
}
