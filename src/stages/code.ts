/**
 * The code stage: source code through tree-sitter. Imports, declarations, signatures, decorators,
 * exported constants and short bodies stay as they are; long function bodies that are not about
 * the query are elided, each replaced by one marker line that keeps the file parseable (a comment
 * between the braces, `...` in Python) and names the symbol and its lines, so
 * `headroom ccr-get HASH --lines A-B` brings exactly that body back. Long comments, docstrings and
 * data literals outside functions (tables, lists) keep their first and last lines. Languages it
 * does not know pass through.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Tree } from "web-tree-sitter"
import { Config } from "../core/config.ts"
import { type Compressed, decodeUtf8, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { textLines } from "../core/lines.ts"
import { render } from "../core/marker.ts"
import type { Store } from "../core/store.ts"
import { belowMinTokens } from "../core/tokenizer.ts"
import { commentRows, type Elision, elisions } from "./code/elide.ts"
import { LANGUAGES, languageOf, type LanguageName } from "./code/languages.ts"
import { errorRows } from "./code/inspect.ts"
import { load, type Loaded } from "./code/parser.ts"
import { type Rows, skeletonOf } from "./code/skeleton.ts"
import { failOpen } from "./fail-open.ts"
import { wholeInput } from "./input.ts"
import { finishLines } from "./result.ts"
import { detect } from "./route.ts"

export interface CodeOptions {
  /** Bodies about this (by name or text) are kept whole. */
  readonly query?: string | undefined
  readonly ttlMs?: number | undefined
  /** The language, when the caller knows it; else detected. */
  readonly language?: LanguageName | undefined
}

const encoder = new TextEncoder()

const markerLine = (e: Elision, lines: ReadonlyArray<string>, key: string, spec: (typeof LANGUAGES)[LanguageName]) => {
  const sample = lines.slice(e.from, e.to + 1).find((l) => l.trim() !== "") ?? ""
  const indent = /^[ \t]*/.exec(sample)![0]
  const eol = lines[e.to]!.endsWith("\r\n") ? "\r\n" : "\n"
  const marker = render({ key, count: e.to - e.from + 1, unit: "lines", detail: e.what, selector: { lines: `${e.from + 1}-${e.to + 1}` } })
  switch (e.as) {
    case "body":
      return spec.style === "brace" ? `${indent}/* ${marker} */${eol}` : `${indent}...  # ${marker}${eol}`
    case "comment":
      return `${indent}${spec.lineComment} ${marker}${eol}`
    case "text":
      return `${indent}${marker}${eol}`
  }
}

/**
 * Whether a skeleton's tree can stand for the file's: it parsed cleanly, or its errors lie away
 * from every body left out — there the text is the file's own, so the file has them too (C++
 * macros, syntax newer than the grammar). An error next to a body may be the lexer's mistake.
 */
const trustworthy = (tree: Tree, bodies: ReadonlyArray<Rows>): boolean => {
  // Both lists are in order of rows, and bodies do not overlap.
  let b = 0
  for (const [from, to] of errorRows(tree)) {
    while (b < bodies.length && bodies[b]![1] + 1 < from) b++
    if (b < bodies.length && bodies[b]![0] <= to) return false
  }
  return true
}

/**
 * The file's syntax tree and comments: from its skeleton (several times faster) when its tree
 * can be trusted, else from the whole file.
 */
const parse = (loaded: Loaded, text: string, language: LanguageName) => {
  const skeleton = skeletonOf(text, language)
  if (skeleton) {
    const tree = loaded.parser.parse(skeleton.text)
    if (tree && trustworthy(tree, skeleton.bodies)) return { tree, comments: skeleton.comments }
    tree?.delete()
  }
  const tree = loaded.parser.parse(text)
  return tree ? { tree, comments: commentRows(tree, loaded) } : undefined
}

export const codeBytes = (
  input: Uint8Array,
  options: CodeOptions = {}
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    const type = detect(input)
    const language = options.language ?? (type.startsWith("code:") ? languageOf(type.slice(5)) : undefined)
    if (language === undefined) return unchanged(input, "code", type, `no grammar for ${type}`)
    const contentType = `code:${language}` as const
    if (belowMinTokens(input, settings.minTokens)) return unchanged(input, "code", contentType, "below-threshold")
    const text = decodeUtf8(input)
    if (text === undefined) return unchanged(input, "code", contentType, "not UTF-8 text")
    const spec = LANGUAGES[language]
    const loaded = yield* Effect.promise(() => load(language))
    const parsed = parse(loaded, text, language)
    if (!parsed) return unchanged(input, "code", contentType, "the parser gave up")
    const lines = textLines(text)
    const list = (() => {
      try {
        return elisions(parsed.tree, parsed.comments, lines, spec, options.query)
      } finally {
        parsed.tree.delete() // WebAssembly memory is not collected
      }
    })()
    const key = keyOf(input)
    const out: Array<string> = []
    let row = 0
    let hidden = 0
    for (const e of list) {
      for (let r = row; r < e.from; r++) out.push(lines[r]!)
      out.push(markerLine(e, lines, key, spec))
      hidden += e.to - e.from + 1
      row = e.to + 1
    }
    for (let r = row; r < lines.length; r++) out.push(lines[r]!)
    return yield* finishLines(input, "code", contentType, [encoder.encode(out.join(""))], hidden, options.ttlMs ?? settings.ttlMs)
  }).pipe(failOpen(input, "code", "code:unknown"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const code = (options: CodeOptions = {}) => wholeInput((bytes) => codeBytes(bytes, options))
