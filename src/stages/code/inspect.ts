/**
 * What tests and evals check of code output — the signatures a reader needs (every function not
 * inside another's body) and how many syntax errors tree-sitter finds — and where the errors are,
 * which the stage reads to trust a skeleton's tree.
 *
 * @since 0.1.0
 */
import type { Node, Tree } from "web-tree-sitter"
import { landmarksOf } from "./elide.ts"
import { GRAMMARS, type GrammarName } from "./languages.ts"
import { load } from "./parser.ts"
import type { Rows } from "./skeleton.ts"

/**
 * The first line of every function that is not inside another function's body — of those the
 * grammar could place: a function inside an ERROR node may be nested or not, the parse cannot
 * say; and when the grammar gives up on the whole file (its root is an ERROR), undefined.
 */
export const signatures = async (language: GrammarName, source: string): Promise<Array<string> | undefined> => {
  const loaded = await load(language)
  const tree = loaded.parser.parse(source)!
  try {
    if (tree.rootNode.type === "ERROR") return undefined
    const lines = source.split("\n")
    const { functions } = landmarksOf(tree.rootNode, GRAMMARS[language])
    const bodies = functions.map((f) => f.body)
    return functions.map((f) => f.fn)
      .filter((fn) => !bodies.some((b) => b.startIndex <= fn.startIndex && fn.endIndex <= b.endIndex))
      .filter((fn) => !insideError(fn))
      .map((fn) => lines[fn.startPosition.row]!)
  } finally {
    tree.delete()
  }
}

const insideError = (node: Node): boolean => {
  for (let up = node.parent; up; up = up.parent) if (up.type === "ERROR") return true
  return false
}

/** The rows of each ERROR and missing node of a tree, in document order. */
export const errorRows = (tree: Tree): Array<Rows> => {
  const rows: Array<Rows> = []
  if (!tree.rootNode.hasError) return rows
  const cursor = tree.walk()
  try {
    for (;;) {
      const node = cursor.currentNode
      if (cursor.nodeType === "ERROR" || node.isMissing) rows.push([node.startPosition.row, node.endPosition.row])
      if (node.hasError && cursor.gotoFirstChild()) continue
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return rows
    }
  } finally {
    cursor.delete()
  }
}

/** How many ERROR and missing nodes tree-sitter finds in the source. */
export const syntaxErrors = async (language: GrammarName, source: string): Promise<number> => {
  const tree = (await load(language)).parser.parse(source)!
  try {
    return errorRows(tree).length
  } finally {
    tree.delete()
  }
}
