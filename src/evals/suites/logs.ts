/**
 * Logs: the eight loghub samples, scored against their ground truth (each line's template). A
 * template is shown when one of its lines is in the output verbatim, recoverable when all its
 * lines are behind markers that return them, lost otherwise. Alert templates (those with an
 * error, warning or failure word) must all be shown.
 */
import { Effect } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { lineText, splitLines } from "../../core/lines.ts"
import { parseAll } from "../../core/marker.ts"
import type { StoreShape } from "../../core/store.ts"
import { logsBytes } from "../../stages/logs.ts"
import { parseCsv } from "../csv.ts"
import { decode, ms, percent, runCompressor, tokens, truncateLines } from "../measure.ts"
import type { Suite } from "../tier1.ts"

const ALERT_TEMPLATE = /\b(?:errors?|warn(?:ing)?|fail(?:ed|ure|s)?|fatal|exceptions?)\b|[a-z](?:Exception|Error)\b/i

// An in-line marker, on a latin1 view of the bytes (one char per byte; "·" is C2 B7 in UTF-8).
const INLINE_MARKER = /\[[\d,]+ chars? not shown \u00c2\u00b7 headroom_retrieve hash=([0-9a-f]{12})\]/g

/** A line shown with its middle behind in-line markers (a long line), with each marker replaced by what it returns. */
const expandInline = async (line: Uint8Array, store: StoreShape): Promise<Uint8Array> => {
  const view = Buffer.from(line).toString("latin1")
  const parts: Array<Uint8Array> = []
  let at = 0
  for (const m of view.matchAll(INLINE_MARKER)) {
    const middle = await Effect.runPromise(Effect.result(store.get(m[1]!)))
    if (middle._tag === "Failure") return line
    parts.push(line.subarray(at, m.index), middle.success)
    at = m.index + m[0].length
  }
  return at === 0 ? line : Buffer.concat([...parts, line.subarray(at)])
}

/**
 * For each input line: shown (verbatim, or a long line's head and tail around in-line markers
 * that return its middle), behind a marker that returns it, or unaccounted for.
 */
export const align = async (input: Uint8Array, output: Uint8Array, store: StoreShape): Promise<Array<"shown" | "hidden" | "lost">> => {
  const lines = splitLines(input)
  const fate: Array<"shown" | "hidden" | "lost"> = lines.map(() => "lost")
  let at = 0
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0
  for (const line of splitLines(output)) {
    const text = lineText(line)
    const [marker] = /^\[[^\]]*\]$/.test(text) ? parseAll(text) : []
    if (marker) {
      const run = await Effect.runPromise(Effect.result(store.get(marker.key)))
      if (run._tag === "Failure") continue
      for (const hidden of splitLines(run.success)) {
        if (at < lines.length && same(hidden, lines[at]!)) fate[at++] = "hidden"
      }
    } else if (at < lines.length && same(await expandInline(line, store), lines[at]!)) fate[at++] = "shown"
  }
  return fate
}

export interface Truth {
  readonly templateOf: Array<string>
  readonly alerts: Set<string>
}

/**
 * Each line's template id and which templates are alerts: from loghub's `_structured.csv`, or
 * from the `_eventids.txt` (one id per line) kept beside the excerpts in fixtures/corpus.
 */
const groundTruth = (dir: string, system: string): Truth | undefined => {
  const base = join(dir, `${system}_2k.log`)
  if (!existsSync(`${base}_templates.csv`)) return undefined
  const [, ...templates] = parseCsv(readFileSync(`${base}_templates.csv`, "utf8")).filter((r) => r.length > 1)
  const alerts = new Set(templates.filter((r) => ALERT_TEMPLATE.test(r[1]!)).map((r) => r[0]!))
  if (existsSync(`${base}_structured.csv`)) {
    const [header, ...rows] = parseCsv(readFileSync(`${base}_structured.csv`, "utf8")).filter((r) => r.length > 1)
    const id = header!.indexOf("EventId")
    return { templateOf: rows.map((r) => r[id]!), alerts }
  }
  if (existsSync(`${base}_eventids.txt`)) {
    return { templateOf: readFileSync(`${base}_eventids.txt`, "utf8").split("\n").filter(Boolean), alerts }
  }
  return undefined
}

export const score = (truth: Truth, fate: ReadonlyArray<"shown" | "hidden" | "lost">) => {
  const state = new Map<string, { shown: boolean; lost: boolean }>()
  truth.templateOf.forEach((t, i) => {
    const s = state.get(t) ?? { shown: false, lost: false }
    if (fate[i] === "shown") s.shown = true
    if (fate[i] === undefined || fate[i] === "lost") s.lost = true
    state.set(t, s)
  })
  let shown = 0, recoverable = 0, lost = 0, alertsShown = 0
  for (const [t, s] of state) {
    if (s.shown) shown++
    else if (s.lost) lost++
    else recoverable++
    if (s.shown && truth.alerts.has(t)) alertsShown++
  }
  return { total: state.size, shown, recoverable, lost, alertsShown, alerts: truth.alerts.size }
}

export const logsSuite: Suite = {
  type: "log",
  retention: "templates shown / recoverable / lost; alert templates shown",
  run: async ({ corpus }) => {
    const rows: Array<Record<string, string | number>> = []
    const dir = join(corpus, "logs")
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => /_2k\.log$|_\d+\.log$/.test(f)).sort() : []
    let reductions = 0
    let counted = 0
    for (const file of files) {
      const system = file.replace(/_\d+k?\.log$/, "")
      const input = readFileSync(join(dir, file))
      const run = await runCompressor((b) => logsBytes(b), input)
      const before = tokens(decode(input))
      const after = tokens(run.output)
      const truth = groundTruth(dir, system)
      const row: Record<string, string | number> = {
        input: file,
        "tokens before": before,
        "tokens after": after,
        reduction: percent(after, before)
      }
      if (truth) {
        const s = score(truth, await align(input, new TextEncoder().encode(run.output), run.store))
        const truncated = splitLines(new TextEncoder().encode(truncateLines(decode(input), after))).length
        const t = score(truth, truth.templateOf.map((_, i) => i < truncated ? "shown" : "lost"))
        Object.assign(row, {
          "templates shown/recoverable/lost": `${s.shown}/${s.recoverable}/${s.lost} of ${s.total}`,
          "alert templates shown": `${s.alertsShown}/${s.alerts}`,
          "truncation shown/lost": `${t.shown}/${t.lost}`,
          "truncation alerts shown": `${t.alertsShown}/${t.alerts}`
        })
      }
      Object.assign(row, { "p50 ms": ms(run.p50), "p95 ms": ms(run.p95) })
      rows.push(row)
      reductions += 1 - after / before
      counted++
    }
    if (counted > 0) rows.push({ input: "average", reduction: `${(100 * reductions / counted).toFixed(1)}%` })
    return rows
  }
}
