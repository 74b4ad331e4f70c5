/**
 * What tests and evals check of code output: the signatures a reader needs (every function not
 * inside another's body) and how many syntax errors tree-sitter finds.
 *
 * @since 0.1.0
 */
import type { LanguageName } from "./languages.ts"
import { load } from "./parser.ts"

/** The first line of every function that is not inside another function's body. */
export const signatures = async (language: LanguageName, source: string): Promise<Array<string>> => {
  const loaded = await load(language)
  const tree = loaded.parser.parse(source)!
  try {
    const lines = source.split("\n")
    const matches = loaded.functions.matches(tree.rootNode)
    const bodies = matches.flatMap((m) => m.captures.filter((c) => c.name === "body").map((c) => c.node))
    return matches.flatMap((m) => m.captures.filter((c) => c.name === "fn")).map((c) => c.node)
      .filter((fn) => !bodies.some((b) => b.startIndex < fn.startIndex && fn.endIndex <= b.endIndex))
      .map((fn) => lines[fn.startPosition.row]!)
  } finally {
    tree.delete()
  }
}

/** How many ERROR and missing nodes tree-sitter finds in the source. */
export const syntaxErrors = async (language: LanguageName, source: string): Promise<number> => {
  const tree = (await load(language)).parser.parse(source)!
  try {
    let count = 0
    const cursor = tree.walk()
    for (;;) {
      if (cursor.nodeType === "ERROR" || cursor.currentNode.isMissing) count++
      if (cursor.currentNode.hasError && cursor.gotoFirstChild()) continue
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return count
    }
  } finally {
    tree.delete()
  }
}
