/**
 * Which items of a large array to keep. Always: the first and last items, every error item (up to
 * {@link ERROR_KEEP}), statistical outliers, change points and the items most relevant to the
 * query. Then, in order, every item that shows something not yet shown (a new categorical value,
 * message template or key set) — so the number kept follows how much distinct information the
 * array holds, not a fixed K. Exact duplicates are never kept twice. For each gap left between
 * kept items it also says what the gap hides: its error items and its categorical values, counted.
 *
 * @since 0.1.0
 */
import { rank } from "../../core/bm25.ts"
import { type Json, numberOf } from "../../core/json.ts"
import { formatCount } from "../../core/marker.ts"
import { template } from "../../core/template.ts"
import { type Field, isCategorical, mean, type Profile, profile, stdDev } from "./profile.ts"

export interface Selection {
  /** Indexes of the items kept, ascending. */
  readonly kept: ReadonlyArray<number>
  /** Numeric columns of the items not kept, e.g. `latency_ms 3–950 mean 41.2`. */
  readonly droppedSummary: string | undefined
  /** Fields that hold one and the same primitive value in every item (kept or not). */
  readonly constantPaths: ReadonlySet<string>
  /**
   * What the items in [from, to) hold, for the marker that stands in their place: how many are
   * errors, and how many hold each value of the array's categorical fields, failures first —
   * e.g. `2 errors; level: ERROR 2, INFO 410, DEBUG 61`. Undefined when there is nothing to say.
   */
  readonly describeGap: (from: number, to: number) => string | undefined
}

/**
 * Error items are all kept up to this many: every error of an array where one item in a thousand
 * fails, up to a million items (~300 MB of log records), while a flood of errors (~300 KB at
 * typical record sizes) still fits in a context. Beyond it: the first of each message template,
 * then evenly spaced ones, up to this many; and every marker says how many error items it hides.
 */
const ERROR_KEEP = 1_000
/** Warning items are kept when there are this few; many warnings are routine, not news. */
const WARNING_KEEP = 25
const OUTLIERS_PER_FIELD = 2
const CHANGES_PER_FIELD = 3
const QUERY_KEEP = 10
/** Fewer items than this are never all an array shows. */
const MIN_KEEP = 8
const SUMMARY_FIELDS = 5
/** A marker counts the values of at most this many fields, each with at most 8 distinct values… */
const COUNTED_FIELDS = 2
const COUNTED_MAX_DISTINCT = 8
/** …of at most this length (longer ones are free text, not categories)… */
const COUNTED_MAX_LENGTH = 32
/** …and names at most this many of a field's values (all its failure values, though), the rest as `others N`. */
const COUNTED_VALUES = 4

const lastSegment = (path: string) => path.slice(path.lastIndexOf(".") + 1)

const ERROR_LEVEL =
  /^(?:error|err|fatal|critical|crit|alert|emerg|emergency|panic|severe|failed|failure|fail|errored|timed[_-]?out|unhealthy|startup[_-]failure)$/i
const WARNING_LEVEL = /^(?:warn|warning)$/i
const ERROR_TEXT =
  /\b(?:errors?|exception|traceback|fatal|panic(?:ked)?|fail(?:ed|ure|s)?|refused|denied|timed out|timeout|unreachable|segfault|crash(?:ed)?|abort(?:ed)?)\b/i
const EXIT_KEY = /^(?:exit|exit_?code|exitcode|return_?code|returncode|rc|exit_?status)$/i
const STATUS_KEY = /(?:status|code)$/i
const OK_KEY = /^(?:ok|success|succeeded|successful|passed|healthy)$/i
const FAILED_KEY = /^(?:failed|is_?error|has_?errors?|error)$/i
const ERROR_FIELD_KEY = /err|fail|exception/i
const ID_KEY = /^(?:id|.*[_-]id|.*[a-z]Id|uuid|guid)$/

/*
 * Failure by convention: CI systems and orchestrators give some words a fixed meaning under
 * status-like keys (GitHub Actions `status`/`conclusion`, Jenkins `result`, Kubernetes `phase`,
 * test runners' `outcome`, health checks). The key is only the hint that a word is such a state;
 * the value decides, and only where it is rare (see `errorItems`).
 */
const STATE_KEY = /(?:status|state|result|conclusion|outcome|phase|health|healthy)$/i
const STATE_FAILURE = /^(?:fail(?:ed|ure|ing)?|errors?|errored|crash(?:ed)?|timed[ _-]?out|timeout|unstable|unhealthy|startup[ _-]failure)$/i
/** GitHub's `conclusion` also calls a run that did not get to finish a failure. */
const CONCLUSION_KEY = /conclusion$/i
const CONCLUSION_FAILURE = /^(?:cancell?ed|action[ _-]required)$/i
/** Health checks say `down` (Spring) or `critical` (Consul) for unhealthy. */
const HEALTH_PATH = /health/i
const HEALTH_FAILURE = /^(?:down|critical|unhealthy|failing)$/i
/**
 * Jenkins' ball colours (`_anime`: a build is running). Red is a failed build; yellow is an
 * unstable one (tests failed: Jenkins' result UNSTABLE) and aborted one stopped before it finished
 * (often by a timeout), and both count as failures too, as UNSTABLE and GitHub's `cancelled` do.
 * Blue, grey, disabled and notbuilt are not. A `color` field means this only when every value in
 * it is such a colour: elsewhere red is a colour.
 */
const JENKINS_COLOR_KEY = /^colou?r$/i
const JENKINS_COLOR = /^(?:blue|red|yellow|grey|gray|disabled|aborted|notbuilt|nobuilt)(?:_anime)?$/i
const JENKINS_FAILURE = /^(?:red|yellow|aborted)(?:_anime)?$/i

type Rule = (v: Json) => boolean

const isEmpty = (v: Json): boolean =>
  v === null || v === false || v === "" || v === 0 ||
  (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0)

const isJenkinsColor = (f: Field): boolean => {
  if (!JENKINS_COLOR_KEY.test(lastSegment(f.path)) || f.highCardinality || f.strings !== f.present) return false
  for (const key of f.distinct.keys()) if (!JENKINS_COLOR.test(key.slice(1))) return false
  return true
}

/** The words that, alone in a short string of this field, say it failed. */
const failureWords = (f: Field): Array<RegExp> => {
  const key = lastSegment(f.path)
  const words = [ERROR_LEVEL]
  if (STATE_KEY.test(key)) words.push(STATE_FAILURE)
  if (CONCLUSION_KEY.test(key)) words.push(CONCLUSION_FAILURE)
  if (HEALTH_PATH.test(f.path)) words.push(HEALTH_FAILURE)
  if (isJenkinsColor(f)) words.push(JENKINS_FAILURE)
  return words
}

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
    const words = failureWords(f)
    rules.push((v) => {
      if (typeof v !== "string") return false
      if (v.length > 24) return ERROR_TEXT.test(v)
      const word = v.trim()
      return words.some((w) => w.test(word)) || ERROR_TEXT.test(v)
    })
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

interface Signals {
  /** 1 where an item is an error. */
  readonly isError: Uint8Array
  readonly errors: Array<number>
  readonly warnings: Array<number>
  /** Per field path, the ids of its values that mean failure, whether or not they are its norm. */
  readonly failureIds: Map<string, Set<number>>
  /** Per field path, the ids of its values that are warnings. */
  readonly warningIds: Map<string, Set<number>>
}

/**
 * The error and warning items. A field whose values mostly mean failure holds the norm, not
 * news — a list of failed jobs, an export of ERROR lines — as 4xx statuses are when most requests
 * get them: its failures mark no item (they are still counted in markers, and named first).
 */
const errorItems = (p: Profile): Signals => {
  const isError = new Uint8Array(p.size)
  const isWarn = new Uint8Array(p.size)
  const failureIds = new Map<string, Set<number>>()
  const warningIds = new Map<string, Set<number>>()
  for (const f of p.fields.values()) {
    const rule = errorRule(f, p.size)
    if (rule) {
      // Categorical fields are judged once per distinct value.
      const verdicts = new Map<number, boolean>()
      const failing = new Set<number>()
      const flagged: Array<number> = []
      for (let i = 0; i < p.size; i++) {
        const v = f.values[i]
        if (v === undefined) continue
        const id = f.ids[i]!
        let verdict = id >= 0 ? verdicts.get(id) : undefined
        if (verdict === undefined) {
          verdict = rule(v)
          if (id >= 0) verdicts.set(id, verdict)
        }
        if (verdict) {
          flagged.push(i)
          if (id >= 0) failing.add(id)
        }
      }
      if (flagged.length * 2 <= f.present) for (const i of flagged) isError[i] = 1
      if (failing.size > 0) failureIds.set(f.path, failing)
    }
    if (f.strings > 0) {
      const warning = new Set<number>()
      for (let i = 0; i < p.size; i++) {
        if (!isWarning(f.values[i])) continue
        isWarn[i] = 1
        if (f.ids[i]! >= 0) warning.add(f.ids[i]!)
      }
      if (warning.size > 0) warningIds.set(f.path, warning)
    }
  }
  const errors: Array<number> = []
  const warnings: Array<number> = []
  for (let i = 0; i < p.size; i++) {
    if (isError[i]) errors.push(i)
    else if (isWarn[i]) warnings.push(i)
  }
  return { isError, errors, warnings, failureIds, warningIds }
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
    if (count > 0) parts.push(`${fieldName(f.path)} ${formatNumber(min)}–${formatNumber(max)} mean ${formatNumber(sum / count)}`)
  }
  return parts.length > 0 ? parts.join(", ") : undefined
}

/**
 * The error items to keep: all of them up to {@link ERROR_KEEP}; beyond it, the first of each
 * message template, then evenly spaced others, to that many.
 */
const keepErrors = (errors: ReadonlyArray<number>, textOf: (i: number) => string): ReadonlyArray<number> => {
  if (errors.length <= ERROR_KEEP) return errors
  const chosen = new Uint8Array(errors.length)
  let count = 0
  const seen = new Set<string>()
  errors.forEach((i, k) => {
    if (count >= ERROR_KEEP) return
    const t = template(textOf(i))
    if (seen.has(t)) return
    seen.add(t)
    chosen[k] = 1
    count++
  })
  // The rest, spread evenly over the errors not chosen yet.
  const rest: Array<number> = []
  errors.forEach((_, k) => {
    if (!chosen[k]) rest.push(k)
  })
  const wanted = ERROR_KEEP - count
  for (let s = 0; s < wanted; s++) chosen[rest[Math.floor((s * rest.length) / wanted)]!] = 1
  return errors.filter((_, k) => chosen[k])
}

/** A field whose values markers count, with a label for each value id and its relevance. */
interface Counted {
  readonly name: string
  readonly ids: Int32Array
  readonly labels: ReadonlyArray<string>
  /** Per value id: 0 a failure, 1 a warning, 2 anything else; null gets -1 (not counted). */
  readonly rank: ReadonlyArray<number>
}

/**
 * A field as a marker names it: `value` for primitive items, `#2` for the third cell of array
 * rows (a marker cannot hold brackets, and a bare `2` would read as a number).
 */
const fieldName = (path: string) => path === "" ? "value" : path.replace(/\[(\d+)\]/g, "#$1")

/**
 * A value as a marker shows it: bare (`install ok installed 12` reads well enough, and quotes
 * would be escaped inside a JSON string), quoted only when empty or holding a separator.
 */
const valueLabel = (key: string): string => {
  if (key === "t") return "true"
  if (key === "f") return "false"
  if (key.startsWith("n")) return key.slice(1)
  const s = key.slice(1)
  return s === "" || /[,;]/.test(s) ? JSON.stringify(s) : s
}

/** Keys that name a severity, counted before other fields (after those holding failures). */
const LEVEL_KEY = /(?:level|severity|priority)$/i

/**
 * The fields whose values markers count: few distinct short values (not ids, not free text, not
 * constant, present and non-null in at least half the items, each value held by two items on
 * average), those with failure values first, then those with warnings, then states and levels,
 * then the fewest values.
 */
const countedFields = (p: Profile, signals: Signals): Array<Counted> => {
  const candidates: Array<{ counted: Counted; order: number; values: number; relevance: number }> = []
  for (const f of p.fields.values()) {
    if (f.highCardinality || f.distinct.size < 2 || f.distinct.size > COUNTED_MAX_DISTINCT) continue
    if (ID_KEY.test(lastSegment(f.path)) || f.numbers + f.strings + f.booleans + f.nulls !== f.present) continue
    const named = f.present - f.nulls
    const values = f.distinct.size - (f.distinct.has("z") ? 1 : 0)
    if (values < 2 || named * 2 < p.size || values * 2 > named) continue
    const failures = signals.failureIds.get(f.path)
    const warnings = signals.warningIds.get(f.path)
    const labels: Array<string> = []
    const rank: Array<number> = []
    let short = true
    for (const [key, id] of f.distinct) {
      if (key.startsWith("s") && key.length - 1 > COUNTED_MAX_LENGTH) short = false
      labels[id] = valueLabel(key)
      rank[id] = key === "z" ? -1 : failures?.has(id) ? 0 : warnings?.has(id) ? 1 : 2
    }
    if (!short) continue
    const key = lastSegment(f.path)
    const relevance = failures ? 0 : warnings ? 1 : STATE_KEY.test(key) || LEVEL_KEY.test(key) ? 2 : 3
    candidates.push({ counted: { name: fieldName(f.path), ids: f.ids, labels, rank }, order: candidates.length, values, relevance })
  }
  candidates.sort((a, b) => a.relevance - b.relevance || a.values - b.values || a.order - b.order)
  return candidates.slice(0, COUNTED_FIELDS).map((c) => c.counted)
}

/** `level: ERROR 2, INFO 410, DEBUG 61` for the items in [from, to), or undefined if none has a value. */
const countValues = (c: Counted, from: number, to: number): string | undefined => {
  const counts = new Array<number>(c.labels.length).fill(0)
  for (let i = from; i < to; i++) {
    const id = c.ids[i]!
    if (id >= 0 && c.rank[id]! >= 0) counts[id]!++
  }
  const present: Array<number> = []
  counts.forEach((k, id) => {
    if (k > 0) present.push(id)
  })
  if (present.length === 0) return undefined
  present.sort((a, b) => c.rank[a]! - c.rank[b]! || counts[b]! - counts[a]! || a - b)
  const shown: Array<string> = []
  let others = 0
  for (const id of present) {
    if (c.rank[id] === 0 || shown.length < COUNTED_VALUES) shown.push(`${c.labels[id]} ${formatCount(counts[id]!)}`)
    else others += counts[id]!
  }
  if (others > 0) shown.push(`others ${formatCount(others)}`)
  return `${c.name}: ${shown.join(", ")}`
}

const describeGap = (counted: ReadonlyArray<Counted>, isError: Uint8Array, from: number, to: number): string | undefined => {
  const parts: Array<string> = []
  let errors = 0
  for (let i = from; i < to; i++) errors += isError[i]!
  if (errors > 0) parts.push(`${formatCount(errors)} ${errors === 1 ? "error" : "errors"}`)
  for (const c of counted) {
    const values = countValues(c, from, to)
    if (values !== undefined) parts.push(values)
  }
  return parts.length > 0 ? parts.join("; ") : undefined
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
  const signals = errorItems(p)
  keepErrors(signals.errors, textOf).forEach(mark)
  if (signals.warnings.length <= WARNING_KEEP) signals.warnings.forEach(mark)
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
  const counted = countedFields(p, signals)
  return {
    kept,
    droppedSummary: kept.length < n ? summarize(p, keep) : undefined,
    constantPaths,
    describeGap: (from, to) => describeGap(counted, signals.isError, from, to)
  }
}
