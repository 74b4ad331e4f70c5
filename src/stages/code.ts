/**
 * The code stage: source code through tree-sitter. Imports, declarations, signatures, decorators,
 * exported constants and short bodies stay as they are; long function bodies that are not about
 * the query are elided, each replaced by one marker line that keeps the file parseable (a comment
 * between the braces, `...` in Python) and names the symbol and its lines, so
 * `headroom ccr-get HASH --lines A-B` brings exactly that body back. Long comments and docstrings
 * keep their first and last lines. Languages it does not know pass through.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, decodeUtf8, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { render } from "../core/marker.ts"
import type { Store } from "../core/store.ts"
import { belowMinTokens } from "../core/tokenizer.ts"
import { type Elision, elisions } from "./code/elide.ts"
import { LANGUAGES, languageOf, type LanguageName } from "./code/languages.ts"
import { load } from "./code/parser.ts"
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
    const tree = loaded.parser.parse(text)
    if (!tree) return unchanged(input, "code", contentType, "the parser gave up")
    const lines = text.split(/(?<=\n)/)
    const list = (() => {
      try {
        return elisions(tree, lines, loaded, spec, options.query)
      } finally {
        tree.delete() // WebAssembly memory is not collected
      }
    })()
    const key = keyOf(input)
    const out: Array<Uint8Array> = []
    let row = 0
    let hidden = 0
    for (const e of list) {
      out.push(encoder.encode(lines.slice(row, e.from).join("")))
      out.push(encoder.encode(markerLine(e, lines, key, spec)))
      hidden += e.to - e.from + 1
      row = e.to + 1
    }
    out.push(encoder.encode(lines.slice(row).join("")))
    return yield* finishLines(input, "code", contentType, out, hidden, options.ttlMs ?? settings.ttlMs)
  }).pipe(failOpen(input, "code", "code:unknown"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const code = (options: CodeOptions = {}) => wholeInput((bytes) => codeBytes(bytes, options))
