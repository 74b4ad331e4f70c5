/**
 * crush: JSON in, smaller valid JSON out. Lossless first (minify, tables, constant columns);
 * then, for arrays and maps that are still large, keep the items that carry information and mark
 * every gap in place. Deterministic: no clocks, randomness or process-dependent hashing.
 *
 * @since 0.1.0
 */
import { byteLength } from "../../core/content.ts"
import { estimateTokens } from "../../core/tokenizer.ts"
import { isObject, type Json, parse, setOwn, write } from "../../core/json.ts"
import { formatCount, render } from "../../core/marker.ts"
import { select } from "./select.ts"
import { toTable } from "./table.ts"

export interface CrushOptions {
  /** The CCR key of the whole original: every marker points at it. */
  readonly key: string
  /** The user's question: items relevant to it are kept whole. */
  readonly query?: string | undefined
  /** Inputs estimated below this many tokens pass through unchanged. */
  readonly minTokens?: number | undefined
}

export interface Dropped {
  items: number
  keys: number
  chars: number
}

export type PassReason = "below-threshold" | "not-smaller" | "too-deep"

export interface CrushResult {
  readonly text: string
  /** False when the output is the input, unchanged (see `reason`). */
  readonly changed: boolean
  readonly dropped: Readonly<Dropped>
  readonly reason?: PassReason
}

/** Arrays shorter than this are never thinned, only rewritten losslessly. */
const MIN_ITEMS_TO_DROP = 10
/** Arrays and maps whose items total fewer characters (~1k tokens) are not thinned either. */
const DROP_CHARS = 4_000
/** Objects with at least this many keys, all holding the same kind of value, are maps. */
const MAP_MIN_KEYS = 24
/** Strings longer than this keep their head and tail around a marker. */
const LONG_STRING = 2_400
const HEAD_CHARS = 1_200
const TAIL_CHARS = 400
/** Strings at least this long that look like JSON are parsed and crushed in place. */
const JSON_STRING_MIN = 64
/** Below this depth values are copied as they are. */
const MAX_DEPTH = 64
/** Tables are used when they save at least 15% over the plain array. */
const TABLE_GAIN = 0.85

interface Context {
  readonly key: string
  readonly query: string | undefined
  readonly hasRaw: boolean
  readonly dropped: Dropped
}

const gapMarker = (ctx: Context, count: number, unit: "items" | "keys", detail: string | undefined) =>
  render({ key: ctx.key, count, unit, detail })

/** Interleaves kept values with a marker for each run of dropped ones; the first carries `detail`. */
const withGaps = <A>(
  kept: ReadonlyArray<number>,
  total: number,
  valueAt: (i: number) => A,
  gap: (count: number, detail: string | undefined) => A,
  detail: string | undefined
): Array<A> => {
  const out: Array<A> = []
  let next = 0
  let first = true
  for (const i of kept) {
    if (i > next) {
      out.push(gap(i - next, first ? detail : undefined))
      first = false
    }
    out.push(valueAt(i))
    next = i + 1
  }
  if (next < total) out.push(gap(total - next, first ? detail : undefined))
  return out
}

const arrayDetail = (dropped: number, total: number, gaps: number, summary: string | undefined) => {
  const parts: Array<string> = []
  if (gaps > 1) parts.push(`${formatCount(dropped)} of ${formatCount(total)} in all`)
  if (summary) parts.push(summary)
  return parts.length > 0 ? parts.join("; ") : undefined
}

const countGaps = (kept: ReadonlyArray<number>, total: number): number => {
  let gaps = 0
  let next = 0
  for (const i of kept) {
    if (i > next) gaps++
    next = i + 1
  }
  return next < total ? gaps + 1 : gaps
}

/** Items measured, evenly spaced, to estimate an array's size without writing all of it. */
const SIZE_SAMPLE = 64

/** The written size of n items: exact for few, extrapolated from an even sample for many. */
const estimateSize = (n: number, textOf: (i: number) => string): number => {
  if (n <= SIZE_SAMPLE) {
    let size = 0
    for (let i = 0; i < n; i++) size += textOf(i).length
    return size
  }
  let sampled = 0
  for (let s = 0; s < SIZE_SAMPLE; s++) sampled += textOf(Math.floor((s * n) / SIZE_SAMPLE)).length
  return (sampled / SIZE_SAMPLE) * n
}

const crushArray = (arr: Array<Json>, ctx: Context, depth: number): Json => {
  const n = arr.length
  if (n === 0) return arr
  let kept: ReadonlyArray<number> | undefined
  let summary: string | undefined
  let isConstant: (path: string) => boolean = () => true
  if (n >= MIN_ITEMS_TO_DROP) {
    const textOf = (i: number) => write(arr[i]!, ctx.hasRaw)
    if (estimateSize(n, textOf) > DROP_CHARS) {
      const selection = select(arr, textOf, ctx.query)
      if (selection.kept.length < n) {
        kept = selection.kept
        summary = selection.droppedSummary
        isConstant = (path) => selection.constantPaths.has(path)
      }
    }
  }
  let changed = kept !== undefined
  let allObjects = true
  const crushedAt = (i: number) => {
    const v = crushValue(arr[i]!, ctx, depth + 1)
    if (v !== arr[i]) changed = true
    if (!isObject(v)) allObjects = false
    return v
  }
  let rows: Array<Json>
  if (kept === undefined) rows = arr.map((_, i) => crushedAt(i))
  else {
    const dropped = n - kept.length
    ctx.dropped.items += dropped
    const detail = arrayDetail(dropped, n, countGaps(kept, n), summary)
    rows = withGaps(kept, n, crushedAt, (count, d) => gapMarker(ctx, count, "items", d), detail)
  }
  if (allObjects) {
    const table = toTable(rows, ctx.hasRaw, isConstant)
    if (table !== undefined) {
      const plain = write(rows, ctx.hasRaw)
      if (write(table, ctx.hasRaw).length <= TABLE_GAIN * plain.length) return table
    }
  }
  return changed ? rows : arr
}

const valueKind = (v: Json): string => Array.isArray(v) ? "array" : v === null ? "null" : isObject(v) ? "object" : typeof v

const crushObject = (obj: { [key: string]: Json }, ctx: Context, depth: number): Json => {
  const keys = Object.keys(obj)
  if (keys.length >= MAP_MIN_KEYS) {
    const kind = valueKind(obj[keys[0]!]!)
    if (kind !== "null" && keys.every((k) => valueKind(obj[k]!) === kind)) {
      const textOf = (i: number) => `${JSON.stringify(keys[i])}:${write(obj[keys[i]!]!, ctx.hasRaw)}`
      if (estimateSize(keys.length, textOf) > DROP_CHARS) {
        const entries: Array<Json> = keys.map((k) => ({ key: k, value: obj[k]! }))
        const selection = select(entries, textOf, ctx.query)
        if (selection.kept.length < keys.length) {
          const dropped = keys.length - selection.kept.length
          ctx.dropped.keys += dropped
          const detail = arrayDetail(dropped, keys.length, countGaps(selection.kept, keys.length), selection.droppedSummary)
          let gapNumber = 0
          const pairs = withGaps<[string, Json]>(
            selection.kept,
            keys.length,
            (i) => [keys[i]!, crushValue(obj[keys[i]!]!, ctx, depth + 1)],
            (count, d) => [`headroom:gap:${++gapNumber}`, gapMarker(ctx, count, "keys", d)],
            detail
          )
          return Object.fromEntries(pairs)
        }
      }
    }
  }
  let out: { [key: string]: Json } | undefined
  for (const k of keys) {
    const v = obj[k]!
    const c = crushValue(v, ctx, depth + 1)
    if (c !== v) {
      out ??= { ...obj }
      setOwn(out, k, c)
    }
  }
  return out ?? obj
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

/** Code points in s[from, to), so a marker's char count matches what a person counts. */
const codePoints = (s: string, from: number, to: number): number => {
  let count = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (!(c >= 0xdc00 && c <= 0xdfff && i > from && isHighSurrogate(s.charCodeAt(i - 1)))) count++
  }
  return count
}

/** Where to end the head: after a newline or space near the limit, never inside a surrogate pair. */
const headEnd = (s: string, limit: number): number => {
  const newline = s.lastIndexOf("\n", limit - 1)
  if (newline >= limit * 0.6) return newline + 1
  const space = s.lastIndexOf(" ", limit - 1)
  if (space >= limit * 0.8) return space + 1
  return isHighSurrogate(s.charCodeAt(limit - 1)) ? limit - 1 : limit
}

const tailStart = (s: string, limit: number): number => {
  const from = s.length - limit
  const newline = s.indexOf("\n", from)
  if (newline !== -1 && newline < from + limit * 0.4) return newline + 1
  const space = s.indexOf(" ", from)
  if (space !== -1 && space < from + limit * 0.2) return space + 1
  return isHighSurrogate(s.charCodeAt(from - 1)) ? from + 1 : from
}

const crushString = (s: string, ctx: Context, depth: number): Json => {
  if (s.length >= JSON_STRING_MIN) {
    const first = s.trimStart()[0]
    const last = s.trimEnd().at(-1)
    if ((first === "{" && last === "}") || (first === "[" && last === "]")) {
      let inner: ReturnType<typeof parse> | undefined
      try {
        inner = parse(s, { locate: false })
      } catch {
        inner = undefined
      }
      if (inner !== undefined) {
        const innerCtx = { ...ctx, hasRaw: inner.hasRaw }
        const out = write(crushValue(inner.value, innerCtx, depth + 1), inner.hasRaw)
        return out.length < s.length ? out : s
      }
    }
  }
  if (s.length <= LONG_STRING) return s
  const head = headEnd(s, HEAD_CHARS)
  const tail = tailStart(s, TAIL_CHARS)
  const omitted = codePoints(s, head, tail)
  ctx.dropped.chars += omitted
  const marker = render({ key: ctx.key, count: omitted, unit: "chars" })
  return s[head - 1] === "\n" ? `${s.slice(0, head)}${marker}\n${s.slice(tail)}` : `${s.slice(0, head)}${marker}${s.slice(tail)}`
}

const crushValue = (v: Json, ctx: Context, depth: number): Json => {
  if (depth > MAX_DEPTH) return v
  if (Array.isArray(v)) return crushArray(v, ctx, depth)
  if (isObject(v)) return crushObject(v, ctx, depth)
  if (typeof v === "string") return crushString(v, ctx, depth)
  return v
}

/**
 * Crushes a JSON text. Throws `InvalidJson` when the text is not JSON; every other outcome is a
 * result, unchanged when crushing would not help (see {@link PassReason}).
 *
 * @example crushText(bigArrayJson, { key: keyOf(bigArrayJson) }).text
 */
export const crushText = (text: string, options: CrushOptions): CrushResult => {
  const unchanged = (reason: PassReason): CrushResult => ({ text, changed: false, dropped: { items: 0, keys: 0, chars: 0 }, reason })
  let doc: ReturnType<typeof parse>
  try {
    doc = parse(text)
  } catch (e) {
    if (e instanceof RangeError) return unchanged("too-deep")
    throw e
  }
  if (estimateTokens(text) < (options.minTokens ?? 0)) return unchanged("below-threshold")
  const ctx: Context = { key: options.key, query: options.query, hasRaw: doc.hasRaw, dropped: { items: 0, keys: 0, chars: 0 } }
  let out: string
  try {
    out = write(crushValue(doc.value, ctx, 0), doc.hasRaw)
  } catch (e) {
    if (e instanceof RangeError) return unchanged("too-deep")
    throw e
  }
  if (out === text || byteLength(out) >= byteLength(text)) return unchanged("not-smaller")
  return { text: out, changed: true, dropped: ctx.dropped }
}

