/**
 * Which items of a large array to keep. Always: the first and last items, every error item,
 * statistical outliers, change points and the items most relevant to the query. Then, in order,
 * every item that shows something not yet shown (a new categorical value, message template or
 * key set) — so the number kept follows how much distinct information the array holds, not a
 * fixed K. Exact duplicates are never kept twice.
 *
 * @since 0.1.0
 */
import { rank } from "../../core/bm25.ts"
import { type Json, numberOf } from "../../core/json.ts"
import { template } from "../../core/template.ts"
import { type Field, isCategorical, mean, type Profile, profile, stdDev } from "./profile.ts"

export interface Selection {
  /** Indexes of the items kept, ascending. */
  readonly kept: ReadonlyArray<number>
  /** Numeric columns of the items not kept, e.g. `latency_ms 3–950 mean 41.2`. */
  readonly droppedSummary: string | undefined
  /** Fields that hold one and the same primitive value in every item (kept or not). */
  readonly constantPaths: ReadonlySet<string>
}

/** Error items beyond this many are kept one per message template. */
const ERROR_KEEP = 100
const OUTLIERS_PER_FIELD = 2
const CHANGES_PER_FIELD = 3
const QUERY_KEEP = 10
/** Fewer items than this are never all an array shows. */
const MIN_KEEP = 8
const SUMMARY_FIELDS = 5

const lastSegment = (path: string) => path.slice(path.lastIndexOf(".") + 1)

const ERROR_LEVEL = /^(?:error|err|fatal|critical|crit|alert|emerg|emergency|panic|severe|failed|failure|fail|errored)$/i
const WARNING_LEVEL = /^(?:warn|warning)$/i
const ERROR_TEXT =
  /\b(?:errors?|exception|traceback|fatal|panic(?:ked)?|fail(?:ed|ure|s)?|refused|denied|timed out|timeout|unreachable|segfault|crash(?:ed)?|abort(?:ed)?)\b/i
const EXIT_KEY = /^(?:exit|exit_?code|exitcode|return_?code|returncode|rc|exit_?status)$/i
const STATUS_KEY = /(?:status|code)$/i
const OK_KEY = /^(?:ok|success|succeeded|successful|passed|healthy)$/i
const FAILED_KEY = /^(?:failed|is_?error|has_?errors?|error)$/i
const ERROR_FIELD_KEY = /err|fail|exception/i
const ID_KEY = /^(?:id|.*[_-]id|.*[a-z]Id|uuid|guid)$/

type Rule = (v: Json) => boolean

const isEmpty = (v: Json): boolean =>
  v === null || v === false || v === "" || v === 0 ||
  (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0)

/**
 * How a field shows an error, judged from its values (with the key name only as a hint that
 * a value is a status or exit code): `"error": null` or `"timeout_ms": 30` never is one.
 */
const errorRule = (f: Field, size: number): Rule | undefined => {
  const key = lastSegment(f.path)
  const ints = f.numbers > 0 && f.values.every((v) => v === undefined || Number.isInteger(numberOf(v) ?? 0.5))
  if (f.numbers > 0 && ints && f.numbers === f.present) {
    if (EXIT_KEY.test(key)) return (v) => (numberOf(v) ?? 0) !== 0
    const codes = f.values.every((v) => v === undefined || ((numberOf(v) ?? 0) >= 100 && (numberOf(v) ?? 0) <= 599))
    if (codes && (STATUS_KEY.test(key) || isCategorical(f, size))) {
      let fine = 0
      for (const v of f.values) if (v !== undefined && (numberOf(v) ?? 0) < 400) fine++
      if (fine * 2 >= f.numbers) return (v) => (numberOf(v) ?? 0) >= 400
    }
  }
  const rules: Array<Rule> = []
  if (f.booleans > 0) {
    if (OK_KEY.test(key)) rules.push((v) => v === false)
    if (FAILED_KEY.test(key)) rules.push((v) => v === true)
  }
  if (f.strings > 0) {
    rules.push((v) =>
      typeof v === "string" && (v.length <= 24 ? ERROR_LEVEL.test(v.trim()) || ERROR_TEXT.test(v) : ERROR_TEXT.test(v))
    )
  }
  // A usually-empty error field that holds something in this item.
  if (ERROR_FIELD_KEY.test(key) && f.numbers === 0) {
    let filled = 0
    for (const v of f.values) if (v !== undefined && !isEmpty(v)) filled++
    if (filled * 2 < f.present) rules.push((v) => !isEmpty(v) && typeof v !== "boolean")
  }
  if (rules.length === 0) return undefined
  return rules.length === 1 ? rules[0] : (v) => rules.some((r) => r(v))
}

const isWarning = (v: Json | undefined) => typeof v === "string" && v.length <= 12 && WARNING_LEVEL.test(v.trim())

const errorItems = (p: Profile): { errors: Array<number>; warnings: Array<number> } => {
  const isError = new Uint8Array(p.size)
  const isWarn = new Uint8Array(p.size)
  for (const f of p.fields.values()) {
    const rule = errorRule(f, p.size)
    if (rule) {
      // Categorical fields are judged once per distinct value.
      const verdicts = new Map<number, boolean>()
      for (let i = 0; i < p.size; i++) {
        const v = f.values[i]
        if (v === undefined || isError[i]) continue
        const id = f.ids[i]!
        let verdict = id >= 0 ? verdicts.get(id) : undefined
        if (verdict === undefined) {
          verdict = rule(v)
          if (id >= 0) verdicts.set(id, verdict)
        }
        if (verdict) isError[i] = 1
      }
    }
    if (f.strings > 0) for (let i = 0; i < p.size; i++) if (isWarning(f.values[i])) isWarn[i] = 1
  }
  const errors: Array<number> = []
  const warnings: Array<number> = []
  for (let i = 0; i < p.size; i++) {
    if (isError[i]) errors.push(i)
    else if (isWarn[i]) warnings.push(i)
  }
  return { errors, warnings }
}

const isNumeric = (f: Field) => f.numbers >= 8 && f.numbers >= 0.8 * f.present

/** Items more than 2σ from their field's mean, the most extreme few per field. */
const outliers = (p: Profile): Array<number> => {
  const out: Array<number> = []
  for (const f of p.fields.values()) {
    let m: number, sd: number, measure: (v: Json | undefined) => number | undefined
    if (isNumeric(f)) {
      m = mean(f)
      sd = stdDev(f)
      measure = numberOf
    } else if (f.strings >= 8 && f.strings >= 0.8 * f.present) {
      m = f.lengthSum / f.strings
      sd = Math.sqrt(Math.max(0, f.lengthSumSq / f.strings - m * m))
      measure = (v) => typeof v === "string" && v.length > 1.5 * m && v.length - m > 20 ? v.length : undefined
    } else continue
    if (!(sd > 0)) continue
    const found: Array<[number, number]> = []
    for (let i = 0; i < p.size; i++) {
      const x = measure(f.values[i])
      if (x === undefined) continue
      const z = Math.abs(x - m) / sd
      if (z > 2) found.push([z, i])
    }
    found.sort((a, b) => b[0] - a[0] || a[1] - b[1])
    for (const [, i] of found.slice(0, OUTLIERS_PER_FIELD)) out.push(i)
  }
  return out
}

/** Where a numeric field's level shifts, or a slowly-changing categorical field changes value. */
const changePoints = (p: Profile): Array<number> => {
  const out: Array<number> = []
  const n = p.size
  for (const f of p.fields.values()) {
    if (isNumeric(f) && f.numbers >= 0.9 * n && n >= 40 && !isCategorical(f, n)) {
      const sd = stdDev(f)
      if (!(sd > 0)) continue
      const w = Math.max(8, Math.floor(n / 20))
      const prefix = new Float64Array(n + 1)
      const count = new Int32Array(n + 1)
      for (let i = 0; i < n; i++) {
        const x = numberOf(f.values[i])
        prefix[i + 1] = prefix[i]! + (x ?? 0)
        count[i + 1] = count[i]! + (x === undefined ? 0 : 1)
      }
      const windowMean = (a: number, b: number) => (prefix[b]! - prefix[a]!) / Math.max(1, count[b]! - count[a]!)
      const shifts: Array<[number, number]> = []
      for (let b = w; b + w <= n; b += Math.max(1, Math.floor(w / 2))) {
        const shift = Math.abs(windowMean(b, b + w) - windowMean(b - w, b))
        if (shift > 1.5 * sd) shifts.push([shift, b])
      }
      shifts.sort((a, b) => b[0] - a[0] || a[1] - b[1])
      const chosen: Array<number> = []
      for (const [, b] of shifts) {
        if (chosen.length >= CHANGES_PER_FIELD) break
        if (chosen.every((c) => Math.abs(c - b) >= w)) chosen.push(b)
      }
      for (const b of chosen) out.push(b - 1, b)
    } else if (isCategorical(f, n) && f.present === n) {
      const starts: Array<number> = []
      for (let i = 1; i < n; i++) if (f.ids[i] !== f.ids[i - 1]) starts.push(i)
      if (starts.length >= 1 && starts.length <= Math.max(2, n / 20)) for (const i of starts.slice(0, 8)) out.push(i - 1, i)
    }
  }
  return out
}

/**
 * Feature columns: for each categorical field, templated text field and (when they vary) the key
 * sets, the feature id of every item (-1 where it has none), and how many ids there are.
 */
const features = (p: Profile): Array<{ readonly ids: Int32Array; readonly count: number }> => {
  const n = p.size
  const columns: Array<{ ids: Int32Array; count: number }> = []
  for (const f of p.fields.values()) {
    if (isCategorical(f, n)) columns.push({ ids: f.ids, count: f.distinct.size })
    else if (f.strings >= 0.8 * f.present && f.lengthSum / Math.max(1, f.strings) <= 400) {
      const limit = Math.max(8, Math.min(200, Math.round(2 * Math.sqrt(n))))
      const templates = new Map<string, number>()
      const ids = new Int32Array(n).fill(-1)
      let usable = true
      for (let i = 0; i < n && usable; i++) {
        const v = f.values[i]
        if (typeof v !== "string") continue
        const t = template(v)
        let id = templates.get(t)
        if (id === undefined) templates.set(t, id = templates.size)
        ids[i] = id
        if (templates.size > limit) usable = false
      }
      if (usable) columns.push({ ids, count: templates.size })
    }
  }
  if (p.keySets) {
    const known = new Map<string, number>()
    const ids = new Int32Array(n)
    p.keySets.forEach((k, i) => {
      let id = known.get(k)
      if (id === undefined) known.set(k, id = known.size)
      ids[i] = id
    })
    columns.push({ ids, count: known.size })
  }
  return columns
}

const formatNumber = (x: number): string => {
  if (Number.isInteger(x)) return String(x)
  return String(Number(x.toPrecision(4)))
}

const summarize = (p: Profile, keep: Uint8Array): string | undefined => {
  const parts: Array<string> = []
  for (const f of p.fields.values()) {
    if (parts.length >= SUMMARY_FIELDS) break
    // Identifiers have no meaningful range or mean.
    if (!isNumeric(f) || f.distinct.size === 1 || ID_KEY.test(lastSegment(f.path))) continue
    let min = Infinity, max = -Infinity, sum = 0, count = 0
    for (let i = 0; i < p.size; i++) {
      if (keep[i]) continue
      const x = numberOf(f.values[i])
      if (x === undefined) continue
      if (x < min) min = x
      if (x > max) max = x
      sum += x
      count++
    }
    if (count > 0) parts.push(`${f.path || "value"} ${formatNumber(min)}–${formatNumber(max)} mean ${formatNumber(sum / count)}`)
  }
  return parts.length > 0 ? parts.join(", ") : undefined
}

/**
 * `textOf(i)` is item i as compact JSON; it is asked only for the few items about to be kept
 * (to keep exact duplicates once) and, with a query, for all of them (to rank them).
 */
export const select = (
  items: ReadonlyArray<Json>,
  textOf: (i: number) => string,
  query: string | undefined
): Selection => {
  const n = items.length
  const p = profile(items)
  const keep = new Uint8Array(n)
  const keptTexts = new Set<string>()
  const mark = (i: number) => {
    if (keep[i]) return
    const text = textOf(i)
    if (keptTexts.has(text)) return
    keptTexts.add(text)
    keep[i] = 1
  }

  mark(0)
  mark(n - 1)
  const { errors, warnings } = errorItems(p)
  if (errors.length <= ERROR_KEEP) errors.forEach(mark)
  else {
    // Very many errors: one of each message template, up to the limit.
    const seen = new Set<string>()
    for (const i of errors) {
      const t = template(textOf(i))
      if (!seen.has(t) && seen.size < ERROR_KEEP) {
        seen.add(t)
        mark(i)
      }
    }
  }
  if (warnings.length <= ERROR_KEEP / 4) warnings.forEach(mark)
  outliers(p).forEach(mark)
  changePoints(p).forEach(mark)
  if (query) {
    const texts = Array.from({ length: n }, (_, i) => textOf(i))
    for (const h of rank(texts, query, QUERY_KEEP, 0.5)) mark(h.index)
  }

  // Coverage: keep, in order, each item that shows a feature not yet shown.
  const columns = features(p)
  const seen = columns.map((c) => new Uint8Array(c.count))
  const show = (i: number) => columns.forEach((c, k) => {
    const id = c.ids[i]!
    if (id >= 0) seen[k]![id] = 1
  })
  for (let i = 0; i < n; i++) if (keep[i]) show(i)
  // An item with a feature not yet shown cannot duplicate a kept one, so no text is needed.
  for (let i = 0; i < n; i++) {
    if (keep[i]) continue
    if (columns.some((c, k) => c.ids[i]! >= 0 && seen[k]![c.ids[i]!] === 0)) {
      keep[i] = 1
      show(i)
    }
  }

  // Items that are all new (unique names, paths, ids) give coverage nothing to go on: keep an
  // evenly spaced sample so the array's range stays visible.
  let count = 0
  for (let i = 0; i < n; i++) count += keep[i]!
  for (let s = 1; count < Math.min(n, MIN_KEEP) && s < MIN_KEEP; s++) {
    const i = Math.round((s * (n - 1)) / MIN_KEEP)
    if (!keep[i]) {
      mark(i)
      count += keep[i]!
    }
  }

  const kept: Array<number> = []
  for (let i = 0; i < n; i++) if (keep[i]) kept.push(i)
  const constantPaths = new Set<string>()
  for (const f of p.fields.values()) if (f.present === n && f.distinct.size === 1 && !f.highCardinality) constantPaths.add(f.path)
  return { kept, droppedSummary: kept.length < n ? summarize(p, keep) : undefined, constantPaths }
}
