/**
 * The code stage: source code through tree-sitter. Imports, declarations, signatures, decorators,
 * exported constants and short bodies stay as they are; long function bodies that are not about
 * the query are elided, each replaced by one marker line that keeps the file parseable (a comment
 * between the braces, `...` in Python) and names the symbol and its lines, so
 * `headroom ccr-get HASH --lines A-B` brings exactly that body back. Long comments, docstrings and
 * data literals outside functions (tables, lists) keep their first and last lines. A language
 * with no grammar here gets the outline (code/outline.ts):
 * the same markers, from indentation and block keywords. The language comes from `language`,
 * else the file's path, else its content.
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
import { mentionsAny, type Query, queryOf } from "../core/query.ts"
import type { Store } from "../core/store.ts"
import { belowMinTokens } from "../core/tokenizer.ts"
import { commentRows, type Elision, elisions } from "./code/elide.ts"
import { GRAMMARS, grammarOf, type GrammarName, LANGUAGES, languageOf, type LanguageName, languageOfPath } from "./code/languages.ts"
import { errorRows } from "./code/inspect.ts"
import { outlineElisions } from "./code/outline.ts"
import { load, type Loaded } from "./code/parser.ts"
import { type Rows, skeletonOf } from "./code/skeleton.ts"
import { failOpen } from "./fail-open.ts"
import { wholeInput } from "./input.ts"
import { finishLines } from "./result.ts"
import { type CommonOptions, stage } from "./stage.ts"
import { detect } from "./detect.ts"

export interface CodeOptions extends CommonOptions {
  /** The language, when the caller knows it (`unknown`: code, in a language not named); else from `path`, else detected. */
  readonly language?: LanguageName | "unknown" | undefined
  /** The file's path, when known: its extension names the language. */
  readonly path?: string | undefined
}

/** How marker lines are written in a language: around a body, and before a comment's. */
interface MarkerStyle {
  readonly body: readonly [before: string, after: string]
  readonly lineComment: string | undefined
}

const styleOf = (language: LanguageName | undefined): MarkerStyle => {
  const grammar = language && grammarOf(language)
  if (grammar) return { body: GRAMMARS[grammar].bodyMarker, lineComment: GRAMMARS[grammar].lineComment }
  const lineComment = language ? LANGUAGES[language].lineComment : undefined
  return { body: [lineComment ? `${lineComment} ` : "", ""], lineComment }
}

const encoder = new TextEncoder()

const markerLine = (e: Elision, lines: ReadonlyArray<string>, key: string, style: MarkerStyle) => {
  const sample = lines.slice(e.from, e.to + 1).find((l) => l.trim() !== "") ?? ""
  const indent = /^[ \t]*/.exec(sample)![0]
  const eol = lines[e.to]!.endsWith("\r\n") ? "\r\n" : "\n"
  const marker = render({ key, count: e.to - e.from + 1, unit: "lines", detail: e.what, selector: { lines: `${e.from + 1}-${e.to + 1}` } })
  switch (e.as) {
    case "body":
      return `${indent}${style.body[0]}${marker}${style.body[1]}${eol}`
    case "comment":
      return `${indent}${style.lineComment ? `${style.lineComment} ` : ""}${marker}${eol}`
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
const parse = (loaded: Loaded, text: string, language: GrammarName) => {
  const skeleton = skeletonOf(text, language)
  if (skeleton) {
    const tree = loaded.parser.parse(skeleton.text)
    if (tree && trustworthy(tree, skeleton.bodies)) return { tree, comments: skeleton.comments }
    tree?.delete()
  }
  const tree = loaded.parser.parse(text)
  return tree ? { tree, comments: commentRows(tree, loaded) } : undefined
}

/**
 * What to elide: from the grammar's tree when the language has a grammar (even one that fails on
 * parts of the file: it still places what it can), else from the outline.
 */
const elisionsOf = (
  text: string,
  lines: ReadonlyArray<string>,
  language: LanguageName | undefined,
  query: Query
): Effect.Effect<Array<Elision>> =>
  Effect.gen(function*() {
    const grammar = language && grammarOf(language)
    if (grammar) {
      const parsed = parse(yield* Effect.promise(() => load(grammar)), text, grammar)
      if (parsed) {
        try {
          return elisions(parsed.tree, parsed.comments, lines, GRAMMARS[grammar], query)
        } finally {
          parsed.tree.delete() // WebAssembly memory is not collected
        }
      }
    }
    const lineComment = language ? LANGUAGES[language].lineComment : undefined
    return outlineElisions(lines, lineComment, (from, to) => mentionsAny(query, lines.slice(from, to + 1).join("")))
  })

/** The language of an input: given, from its path, or detected (`undefined` for code in no language it knows). */
const languageFor = (type: string): LanguageName | undefined => type.startsWith("code:") ? languageOf(type.slice(5)) : undefined

export const codeBytes = (
  input: Uint8Array,
  options: CodeOptions = {}
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    const known = options.language ?? (options.path ? languageOfPath(options.path) : undefined)
    const type = known ? `code:${known}` as const : options.type ?? detect(input)
    const language = languageFor(type)
    if (!type.startsWith("code:")) return unchanged(input, "code", type, "not-code")
    const contentType = `code:${language ?? "unknown"}` as const
    if (belowMinTokens(input, settings.minTokens)) return unchanged(input, "code", contentType, "below-threshold")
    const text = decodeUtf8(input)
    if (text === undefined) return unchanged(input, "code", contentType, "not-text")
    const lines = textLines(text)
    const list = yield* elisionsOf(text, lines, language, queryOf(options.query))
    const style = styleOf(language)
    const key = keyOf(input)
    const out: Array<string> = []
    let row = 0
    let hidden = 0
    for (const e of list) {
      for (let r = row; r < e.from; r++) out.push(lines[r]!)
      out.push(markerLine(e, lines, key, style))
      hidden += e.to - e.from + 1
      row = e.to + 1
    }
    for (let r = row; r < lines.length; r++) out.push(lines[r]!)
    return yield* finishLines(input, "code", contentType, [encoder.encode(out.join(""))], hidden, options.ttlMs ?? settings.ttlMs)
  }).pipe(failOpen(input, "code", "code:unknown"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const code = (options: CodeOptions = {}) => wholeInput((bytes) => codeBytes(bytes, options))

export const codeStage = stage<{ lang: LanguageName | undefined; path: string | undefined }>({
  name: "code",
  summary: "compress source code: signatures kept, long bodies elided, still parses",
  description:
    "Compress source code from stdin. With a tree-sitter grammar (Python, JavaScript, TypeScript/TSX, Go, Rust, " +
    "Java, C, C++, C#, Ruby, PHP, Kotlin, Swift, Scala, Elixir, Bash, Lua): imports, declarations, signatures, " +
    "decorators, exported constants, docstrings' first lines and short bodies stay as they are; long function " +
    "bodies not about --query are elided, each behind a marker naming the symbol and its lines (headroom ccr-get " +
    "HASH --lines A-B brings it back), written so the file still parses. Any other language gets an outline " +
    "from indentation and block keywords: long bodies elided the same way, every block's header kept. The " +
    "language comes from --lang, else --path's extension, else the content.",
  examples: [
    { command: "cat src/server.ts | headroom code", description: "the shape of a file" },
    { command: "headroom code --query retry < client.py", description: "with the bodies about retrying whole" },
    { command: "headroom code --path lib/queue.erl < lib/queue.erl", description: "the language from the file name" }
  ],
  handles: (type) => type.startsWith("code:"),
  keepsLines: true,
  options: {
    lang: { kind: "choice", choices: Object.keys(LANGUAGES), description: "the language, instead of detecting it" },
    path: { kind: "text", description: "the file's path: its extension names the language (lib/x.ex is Elixir)" }
  },
  run: (input, { lang, ...options }) => codeBytes(input, { ...options, language: lang })
})
