/**
 * crush: JSON in, smaller valid JSON out. Lossless first (minify, tables, constant columns);
 * then, for arrays and maps that are still large, keep the items that carry information and mark
 * every gap in place. JSON Lines are thinned as the records of one array, and stay JSON Lines.
 * Deterministic: no clocks, randomness or process-dependent hashing.
 *
 * @since 0.1.0
 */
import { byteLength } from "../../core/content.ts"
import { fewerTokensThan } from "../../core/tokenizer.ts"
import { isObject, type Json, parse, setOwn, write } from "../../core/json.ts"
import { InvalidJson } from "../../core/errors.ts"
import { render } from "../../core/marker.ts"
import { gapDetails, withGaps } from "./gaps.ts"
import { parseJsonLines, type Records } from "./json-lines.ts"
import { type Selection, select } from "./select.ts"
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
  let selection: Selection | undefined
  if (n >= MIN_ITEMS_TO_DROP) {
    const textOf = (i: number) => write(arr[i]!, ctx.hasRaw)
    if (estimateSize(n, textOf) > DROP_CHARS) {
      selection = select(arr, textOf, ctx.query)
      if (selection.kept.length === n) selection = undefined
    }
  }
  const isConstant = (path: string) => selection === undefined || selection.constantPaths.has(path)
  let changed = selection !== undefined
  let allObjects = true
  const crushedAt = (i: number) => {
    const v = crushValue(arr[i]!, ctx, depth + 1)
    if (v !== arr[i]) changed = true
    if (!isObject(v)) allObjects = false
    return v
  }
  let rows: Array<Json>
  if (selection === undefined) rows = arr.map((_, i) => crushedAt(i))
  else {
    ctx.dropped.items += n - selection.kept.length
    const detail = gapDetails(selection, n)
    rows = withGaps(selection.kept, n, crushedAt, (from, to, first) => gapMarker(ctx, to - from, "items", detail(from, to, first)))
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
          ctx.dropped.keys += keys.length - selection.kept.length
          const detail = gapDetails(selection, keys.length)
          let gapNumber = 0
          const pairs = withGaps<[string, Json]>(
            selection.kept,
            keys.length,
            (i) => [keys[i]!, crushValue(obj[keys[i]!]!, ctx, depth + 1)],
            (from, to, first) => [`headroom:gap:${++gapNumber}`, gapMarker(ctx, to - from, "keys", detail(from, to, first))]
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

const unchangedText = (text: string, reason: PassReason): CrushResult =>
  ({ text, changed: false, dropped: { items: 0, keys: 0, chars: 0 }, reason })

/**
 * A text that is not one JSON value, crushed as JSON Lines, or `notJson` thrown when it is not
 * that either (see {@link parseJsonLines}).
 */
const crushJsonLines = (text: string, options: CrushOptions, notJson: InvalidJson): CrushResult => {
  let records: Records | undefined
  try {
    records = parseJsonLines(text)
  } catch (e) {
    if (e instanceof RangeError) return unchangedText(text, "too-deep")
    throw e
  }
  if (records === undefined) throw notJson
  if (fewerTokensThan(text, options.minTokens ?? 0)) return unchangedText(text, "below-threshold")
  return thinLines(text, records, options) ?? unchangedText(text, "not-smaller")
}

/**
 * JSON Lines thinned like an array: the kept records as their own lines, byte for byte; each run
 * of dropped ones as one line holding the marker as a JSON string, so every line is JSON. Blank
 * lines are left out (they hold no record, and are not JSON). Records are not rewritten, so
 * nothing is dropped (undefined) when the lines are too few or too short to thin.
 */
const thinLines = (text: string, records: Records, options: CrushOptions): CrushResult | undefined => {
  const n = records.lines.length
  if (n < MIN_ITEMS_TO_DROP || text.length <= DROP_CHARS) return undefined
  const textOf = (i: number) => records.lines[i]!
  const selection = select(records.values, textOf, options.query)
  if (selection.kept.length === n) return undefined
  const detail = gapDetails(selection, n)
  const markerLine = (from: number, to: number, first: boolean) =>
    JSON.stringify(render({ key: options.key, count: to - from, unit: "items", detail: detail(from, to, first) }))
  const lines = withGaps<{ readonly text: string; readonly marker: boolean }>(
    selection.kept,
    n,
    (i) => ({ text: textOf(i), marker: false }),
    (from, to, first) => ({ text: markerLine(from, to, first), marker: true })
  )
  // A marker line ends as the input's lines do (a kept line keeps its own `\r`).
  const out = lines.map((l, i) => l.marker && records.crlf && (i < lines.length - 1 || records.finalNewline) ? `${l.text}\r` : l.text)
    .join("\n") + (records.finalNewline ? "\n" : "")
  if (byteLength(out) >= byteLength(text)) return undefined
  return { text: out, changed: true, dropped: { items: n - selection.kept.length, keys: 0, chars: 0 } }
}

/**
 * Crushes a JSON text, or a JSON Lines text (see {@link parseJsonLines}). Throws `InvalidJson`
 * when the text is neither (at the first bad line of what is otherwise JSON Lines); every other
 * outcome is a result, unchanged when crushing would not help (see {@link PassReason}).
 *
 * @example crushText(bigArrayJson, { key: keyOf(bigArrayJson) }).text
 */
export const crushText = (text: string, options: CrushOptions): CrushResult => {
  const unchanged = (reason: PassReason) => unchangedText(text, reason)
  let doc: ReturnType<typeof parse>
  try {
    doc = parse(text)
  } catch (e) {
    if (e instanceof RangeError) return unchanged("too-deep")
    // Not one JSON value: perhaps one a line.
    if (e instanceof InvalidJson) return crushJsonLines(text, options, e)
    throw e
  }
  if (fewerTokensThan(text, options.minTokens ?? 0)) return unchanged("below-threshold")
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

