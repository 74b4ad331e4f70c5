/**
 * The log compressor, one line at a time, in bounded memory: it decides for each line whether
 * to show it now or fold it into the current run of lines not shown.
 *
 * Shown: the first line; the first line of each message template; every alert the first time
 * its wording appears, with the line before and after it; stack-trace lines not seen before;
 * test-runner summaries; lines matching the query; lines too long to hold; the last line.
 * Everything else repeats a template already shown and joins the run, which the stage stores in
 * CCR and replaces with one marker.
 *
 * An alert is a line with an alert word (error, warning, fatal, exception…) or an alert value
 * (see `values.ts`): a 5xx status, a non-zero exit code, a duration far above its template's
 * usual. A value alert is told apart by its value too: the first 503 of a template is shown even
 * when its 200s are not, and so is its first 502.
 *
 * @since 0.1.0
 */
import { lineText } from "../../core/lines.ts"
import { template } from "../../core/template.ts"
import { Clusters } from "./clusters.ts"
import { durations, Latencies, valueAlert } from "./values.ts"
import { mentionsAll, type Query, queryOf } from "../../core/query.ts"

export type LogPiece =
  /** A line shown; `cut` when it was already cut to its head and tail as it streamed in. */
  | { readonly kind: "line"; readonly line: Uint8Array; readonly cut?: boolean }
  | {
    readonly kind: "run"
    readonly lines: ReadonlyArray<Uint8Array>
    readonly bytes: number
    /** How many distinct templates the run's lines have. */
    readonly templates: number
  }

/** Words that make a line an alert: it is shown the first time its wording appears. */
const ALERT_WORDS =
  /\b(?:errors?|err|warn(?:ing)?s?|fatal|fail(?:ed|ure|ures|ing|s)?|exceptions?|panic(?:ked)?|critical|crit|severe|alert|emerg(?:ency)?|denied|refused|timed out|abort(?:ed|ing)?|crash(?:ed|es)?|segfault|traceback|unable|cannot|killed)\b|\bE\/|\bW\//i
/** Exception and error type names: `IllegalStateException`, `TypeError`. */
const ALERT_TYPES = /[a-z](?:Exception|Error)\b/

export const isAlert = (text: string): boolean => ALERT_WORDS.test(text) || ALERT_TYPES.test(text)

/** Lines that continue a stack trace or panic after an alert. */
const STACK =
  /^(?:\s+at\s|\s+\.\.\. \d+ (?:more|common frames omitted)|Caused by:|Traceback \(most recent call last\)|\s+File ".*", line \d+|goroutine \d+ \[|\s+\S+\.go:\d+|\s+\d+: 0x[0-9a-f]+|\s{2,}\S|\t\S)/

/** Test-runner and build summaries: always shown. */
export const SUMMARY = new RegExp(
  [
    String.raw`^={3,} .*\b(?:passed|failed|error|errors|skipped|no tests ran)\b.* in [\d.]+s`, // pytest
    String.raw`^\s*(?:Tests?|Test Suites|Test Files|Snapshots):\s+.*\b(?:passed|failed|total|skipped)\b`, // jest, vitest
    String.raw`^\s*Duration\s+[\d.]+\s*m?s\b`, // vitest
    String.raw`^(?:ok|FAIL|---\s*FAIL:|---\s*PASS:|PASS)\s`, // go test
    String.raw`^test result: (?:ok|FAILED)\.`, // cargo
    String.raw`^\s*(?:\[(?:INFO|ERROR|WARNING)\]\s+)?Tests run: \d+, Failures: \d+`, // maven surefire
    String.raw`^\[(?:INFO|ERROR)\] (?:BUILD (?:SUCCESS|FAILURE)|Total time:)`, // maven
    String.raw`^BUILD (?:SUCCESSFUL|FAILED)\b`, // gradle
    String.raw`^\d+ actionable tasks?:`, // gradle
    String.raw`^npm (?:ERR!|error)\s`, // npm
    String.raw`^\s*\d+ (?:passing|failing|pending)\b` // mocha
  ].join("|")
)

/** A run is shown as a marker once it holds this many lines or bytes, so output keeps flowing. */
const RUN_MAX_LINES = 10_000
const RUN_MAX_BYTES = 1024 * 1024
/** Templates remembered; past this, new templates are shown without being remembered. */
const MAX_TEMPLATES = 100_000
/** Lines shown after an alert. */
const CONTEXT_AFTER = 1
/** Durations of a line followed apart, per template (more are followed as the last one). */
const DURATIONS_PER_LINE = 8

export interface LogCompressorOptions {
  /** Lines containing this text (or all its words) are shown. */
  readonly query?: string | undefined
}

export class LogCompressor {
  private lineNumber = 0
  private readonly groups = new Clusters(MAX_TEMPLATES)
  private readonly frames = new Set<string>()
  private readonly alerts = new Set<string>()
  private readonly latencies = new Latencies()
  private runLines: Array<Uint8Array> = []
  private runTemplates: Array<number> = []
  private runBytes = 0
  private contextAfter = 0
  private inTrace = false
  private pieces: Array<LogPiece> = []
  private readonly query: Query

  constructor(options: LogCompressorOptions = {}) {
    this.query = queryOf(options.query)
  }

  /** Decides a line; `cut` says it was too long to hold and was cut as it streamed in: it is shown. */
  push(line: Uint8Array, cut = false): void {
    this.lineNumber++
    const text = lineText(line)
    const masked = template(text)
    const group = this.groups.assign(masked)
    let show = cut || group.isNew || this.lineNumber === 1 || SUMMARY.test(text) || this.matchesQuery(text)
    const alert = this.alertOf(text, masked, group)
    if (alert !== undefined) {
      // Alerts are told apart by their wording (numbers and ids masked) and alert values, not by group.
      this.inTrace = true
      if (!this.alerts.has(alert)) {
        this.remember(this.alerts, alert)
        show = true
        this.pullContextBefore()
        this.contextAfter = CONTEXT_AFTER + 1
      }
    } else if (this.inTrace && STACK.test(text)) {
      // A new frame is shown; a repeated trace folds away with its repeated frames.
      show = !this.frames.has(masked)
      this.remember(this.frames, masked)
    } else this.inTrace = false
    if (this.contextAfter > 0) {
      if (this.contextAfter <= CONTEXT_AFTER) show = true
      this.contextAfter--
    }
    if (show) this.show(line, cut)
    else this.hide(line, group.id)
  }

  /**
   * What makes a line an alert, as a key that is new the first time it should be shown: its
   * masked wording, with its alert values (`status 503`, `exit 137`, `slow 10^4 ms`) when it has
   * any; undefined when it is no alert.
   */
  private alertOf(text: string, masked: string, group: { readonly id: number; readonly remembered: boolean }) {
    const value = valueAlert(text)
    const slow = group.remembered ? this.slowness(text, group.id) : undefined
    if (value === undefined && slow === undefined) return isAlert(text) ? masked : undefined
    return [masked, value, slow].filter((v) => v !== undefined).join("\u0000")
  }

  /** `slow 10^N ms` when a duration of the line is far above its template's usual, by order of magnitude. */
  private slowness(text: string, group: number): string | undefined {
    let slow: string | undefined
    durations(text).forEach((ms, k) => {
      const series = group * DURATIONS_PER_LINE + Math.min(k, DURATIONS_PER_LINE - 1)
      if (this.latencies.observe(series, ms) && slow === undefined) slow = `slow 10^${Math.floor(Math.log10(ms))} ms`
    })
    return slow
  }

  /** Ends the input: the last line is always shown. */
  end(): void {
    const last = this.runLines.pop()
    if (last !== undefined) {
      this.runTemplates.pop()
      this.runBytes -= last.length
      this.show(last)
    }
    this.flushRun()
  }

  /** Gives up: the lines held for the current run, to be passed on as they are. */
  abandon(): Array<Uint8Array> {
    const lines = this.runLines
    this.runLines = []
    this.runTemplates = []
    this.runBytes = 0
    return lines
  }

  /** The pieces decided since the last call. */
  take(): Array<LogPiece> {
    const out = this.pieces
    this.pieces = []
    return out
  }

  private matchesQuery(text: string): boolean {
    return mentionsAll(this.query, text)
  }

  private remember(set: Set<string>, value: string) {
    if (set.size < MAX_TEMPLATES) set.add(value)
  }

  private show(line: Uint8Array, cut = false) {
    this.flushRun()
    this.pieces.push(cut ? { kind: "line", line, cut } : { kind: "line", line })
  }

  private hide(line: Uint8Array, group: number) {
    this.runLines.push(line)
    this.runTemplates.push(group)
    this.runBytes += line.length
    if (this.runLines.length >= RUN_MAX_LINES || this.runBytes >= RUN_MAX_BYTES) this.flushRun()
  }

  /** Shows the line just before an alert, if it was about to be hidden. */
  private pullContextBefore() {
    const before = this.runLines.pop()
    if (before === undefined) return
    this.runTemplates.pop()
    this.runBytes -= before.length
    this.show(before)
  }

  private flushRun() {
    if (this.runLines.length === 0) return
    this.pieces.push({ kind: "run", lines: this.runLines, bytes: this.runBytes, templates: new Set(this.runTemplates).size })
    this.runLines = []
    this.runTemplates = []
    this.runBytes = 0
  }
}
