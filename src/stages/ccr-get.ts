/**
 * The ccr-get stage: an original back from the store, byte for byte — or only what is asked for,
 * so a model never needs the whole haystack to fetch one needle:
 *   - `lines: "A-B"`: lines A to B (1-based, inclusive), exactly as stored;
 *   - `query`: the items (JSON) or lines (text) most relevant to the query (BM25), best first.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { rank } from "../core/bm25.ts"
import { decodeUtf8 } from "../core/content.ts"
import { InvalidArgument, InvalidKey, type StoreUnavailable, type UnknownHash } from "../core/errors.ts"
import { isKey } from "../core/hash.ts"
import { isObject, type Json, parse, write } from "../core/json.ts"
import { Store } from "../core/store.ts"

export interface RetrieveOptions {
  readonly query?: string | undefined
  /** A line range `A-B` (or a single line `A`), 1-based and inclusive. */
  readonly lines?: string | undefined
  /** How many matches a query returns at most (default 20). */
  readonly limit?: number | undefined
}

export interface Match {
  /** Where the match is: a line number, or a JSON path such as `$[523]` or `$.items[4]`. */
  readonly at: number | string
  /** The matching line, or the matching item as compact JSON. */
  readonly text: string
  readonly score: number
}

export interface Retrieved {
  readonly key: string
  /** The whole original, or the selected lines; undefined for a query. */
  readonly output: Uint8Array | undefined
  readonly matches: ReadonlyArray<Match> | undefined
  readonly totalBytes: number
}

export type RetrieveError = InvalidKey | UnknownHash | StoreUnavailable | InvalidArgument

const DEFAULT_LIMIT = 20
/** Matches must score at least this share of the best match. */
const RELATIVE_SCORE = 0.3

/** Splits text into lines that keep their own line endings, so slices rejoin byte for byte. */
const linesOf = (text: string): Array<string> => text.match(/[^\n]*\n|[^\n]+$/g) ?? []

const parseRange = (range: string, total: number): Effect.Effect<[number, number], InvalidArgument> => {
  const m = /^\s*(\d+)\s*(?:[-:]\s*(\d+)\s*)?$/.exec(range)
  const from = m ? Number(m[1]) : NaN
  const to = m ? Number(m[2] ?? m[1]) : NaN
  if (!(from >= 1 && to >= from)) {
    return Effect.fail(new InvalidArgument({ name: "--lines", value: range, expected: "A-B with 1 ≤ A ≤ B, e.g. 120-184" }))
  }
  if (from > total) {
    return Effect.fail(new InvalidArgument({ name: "--lines", value: range, expected: `a range within the original's ${total} lines` }))
  }
  return Effect.succeed([from, Math.min(to, total)])
}

const pathKey = (key: string) => /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`

/** Records worth returning for a query: array elements, and entries of objects with many keys. */
const candidates = (root: Json): Array<{ path: string; value: Json; parent: number }> => {
  const out: Array<{ path: string; value: Json; parent: number }> = []
  const walk = (v: Json, path: string, parent: number, depth: number) => {
    if (depth > 64) return
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const p = `${path}[${i}]`
        out.push({ path: p, value: item, parent })
        walk(item, p, out.length - 1, depth + 1)
      })
    } else if (isObject(v)) {
      const keys = Object.keys(v)
      const many = keys.length >= 24
      for (const k of keys) {
        const p = path + pathKey(k)
        if (many) out.push({ path: p, value: { [k]: v[k]! }, parent })
        walk(v[k]!, p, many ? out.length - 1 : parent, depth + 1)
      }
    }
  }
  walk(root, "$", -1, 0)
  return out
}

const jsonMatches = (root: Json, hasRaw: boolean, query: string, limit: number): Array<Match> => {
  const found = candidates(root)
  const texts = found.map((c) => write(c.value, hasRaw))
  const chosen = new Set<number>()
  const out: Array<Match> = []
  const related = (a: number, b: number) => {
    // True when one candidate contains the other.
    for (let p = found[a]!.parent; p !== -1; p = found[p]!.parent) if (p === b) return true
    for (let p = found[b]!.parent; p !== -1; p = found[p]!.parent) if (p === a) return true
    return false
  }
  for (const hit of rank(texts, query, Infinity, RELATIVE_SCORE)) {
    if (out.length >= limit) break
    if ([...chosen].some((c) => related(c, hit.index))) continue
    chosen.add(hit.index)
    out.push({ at: found[hit.index]!.path, text: texts[hit.index]!, score: hit.score })
  }
  return out
}

const lineMatches = (text: string, query: string, limit: number): Array<Match> => {
  const lines = linesOf(text).map((l) => l.replace(/\r?\n$/, ""))
  return rank(lines, query, limit, RELATIVE_SCORE).map((h) => ({ at: h.index + 1, text: lines[h.index]!, score: h.score }))
}

/** The original behind a key, whole or in part. */
export const retrieve = (key: string, options: RetrieveOptions = {}): Effect.Effect<Retrieved, RetrieveError, Store> =>
  Effect.gen(function*() {
    const normalized = key.trim().replace(/^hash=/, "").toLowerCase()
    if (!isKey(normalized)) return yield* new InvalidKey({ value: key })
    if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1)) {
      return yield* new InvalidArgument({ name: "--limit", value: String(options.limit), expected: "a whole number of at least 1" })
    }
    if (options.lines !== undefined && options.query !== undefined) {
      return yield* new InvalidArgument({ name: "--lines", value: options.lines, expected: "either --lines or --query, not both" })
    }
    const store = yield* Store
    const bytes = yield* store.get(normalized)
    const base = { key: normalized, totalBytes: bytes.length }
    if (options.lines === undefined && options.query === undefined) return { ...base, output: bytes, matches: undefined }
    const text = decodeUtf8(bytes)
    if (text === undefined) {
      return yield* new InvalidArgument({
        name: options.lines !== undefined ? "--lines" : "--query",
        value: options.lines ?? options.query ?? "",
        expected: "an original that is text (this one is binary; fetch it whole)"
      })
    }
    if (options.lines !== undefined) {
      const lines = linesOf(text)
      const [from, to] = yield* parseRange(options.lines, lines.length)
      return { ...base, output: Buffer.from(lines.slice(from - 1, to).join(""), "utf8"), matches: undefined }
    }
    const query = options.query ?? ""
    const limit = options.limit ?? DEFAULT_LIMIT
    let doc: ReturnType<typeof parse> | undefined
    try {
      doc = parse(text)
    } catch {
      doc = undefined
    }
    const matches = doc !== undefined && (Array.isArray(doc.value) || isObject(doc.value))
      ? jsonMatches(doc.value, doc.hasRaw, query, limit)
      : lineMatches(text, query, limit)
    return { ...base, output: undefined, matches }
  })
