/**
 * tree-sitter, through its WebAssembly build: no compiler at install time, the grammars' own
 * .wasm files. Loaded on first use and kept for the life of the process.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import type { Language as TSLanguage, Parser as TSParser, Query as TSQuery } from "web-tree-sitter"
import { GRAMMARS, type GrammarName } from "./languages.ts"

export interface Loaded {
  readonly parser: TSParser
  readonly comments: TSQuery
}

const require_ = createRequire(import.meta.url)
let runtime: Promise<typeof import("web-tree-sitter")> | undefined
const loaded = new Map<GrammarName, Promise<Loaded>>()

// Required, not imported: the CLI is a bundle run as a script, and loads this on first use only.
const init = () =>
  runtime ??= Promise.resolve().then(async () => {
    const ts = require_("web-tree-sitter") as typeof import("web-tree-sitter")
    await ts.Parser.init()
    return ts
  })

/** A parser and the queries of a language, ready to use. */
export const load = (name: GrammarName): Promise<Loaded> => {
  let entry = loaded.get(name)
  if (!entry) {
    entry = init().then(async (ts) => {
      const spec = GRAMMARS[name]
      const [pkg, wasm] = spec.grammar
      const language: TSLanguage = await ts.Language.load(join(dirname(require_.resolve(`${pkg}/package.json`)), wasm))
      const parser = new ts.Parser()
      parser.setLanguage(language)
      const comments = spec.comments.map((c) => `(${c}) @comment`).join("\n")
      return {
        parser,
        comments: new ts.Query(language, comments)
      }
    })
    loaded.set(name, entry)
  }
  return entry
}

/**
 * The grammars a long-running process (the proxy) loads before its first request: the languages
 * agents read most. Each costs some 8 MB of compiled WebAssembly kept for the process's life, so the
 * others load on first use (tens of milliseconds, once).
 */
export const WARM_GRAMMARS: ReadonlyArray<GrammarName> = ["python", "typescript", "tsx", "javascript", "go", "rust"]

/**
 * Loads the grammars named and parses a line with each, so their WebAssembly compile is paid
 * before the first request, not during it. Stops between grammars once `signal` is aborted (a proxy
 * told to stop need not finish it).
 */
export const warmUp = async (signal?: AbortSignal, names: ReadonlyArray<GrammarName> = WARM_GRAMMARS): Promise<void> => {
  for (const name of names) {
    if (signal?.aborted) return
    const { parser } = await load(name)
    parser.parse("x")?.delete()
  }
}
