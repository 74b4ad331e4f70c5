/**
 * Log formats the corpus does not hold — syslog (RFC 3164 and 5424), access logs, journald,
 * Windows CBS, log4j, logfmt, zap, logrus, Python, klog, pipes, epoch and bracketed timestamps,
 * and more — generated with ground truth: `compress` must route each to the logs stage, keep every
 * template shown or recoverable, and show the planted alerts, those found only by their values
 * (a 5xx status, a non-zero exit code, a latency outlier) among them.
 */
import { splitLines } from "../../core/lines.ts"
import { compressBytes } from "../../stages/compress.ts"
import { routeBytes } from "../../stages/route.ts"
import { LOG_FORMATS } from "../log-formats.ts"
import { decode, ms, percent, runCompressor, tokens, truncateLines } from "../measure.ts"
import type { Suite } from "../tier1.ts"
import { align, score } from "./logs.ts"

/** Lines of each generated log. */
const LINES = 2000

export const logFormatsSuite: Suite = {
  type: "log formats",
  retention: "routed to; templates shown / recoverable / lost; planted alerts shown, each kind at least once (of them, found by value only)",
  run: async () => {
    const rows: Array<Record<string, string | number>> = []
    let reductions = 0
    let routed = 0
    for (const format of LOG_FORMATS) {
      const log = format.generate(LINES)
      const input = new TextEncoder().encode(log.text)
      const route = routeBytes(input)
      if (route.compressor === "logs") routed++
      const run = await runCompressor((b) => compressBytes(b), input)
      const before = tokens(log.text)
      const after = tokens(run.output)
      const fate = await align(input, new TextEncoder().encode(run.output), run.store)
      const s = score({ templateOf: [...log.templates], alerts: new Set() }, fate)
      // An alert is told apart by its template and by how it alerts (a word, or a value only): the
      // logs stage shows each the first time and folds its repeats, so each must be shown once.
      const kinds = (lines: ReadonlyArray<number>, shownAt: (i: number) => boolean = (i) => fate[i] === "shown") => {
        const all = new Map<string, boolean>()
        for (const i of lines) {
          const kind = `${log.templates[i]} ${log.valueAlertLines.includes(i) ? "value" : "word"}`
          all.set(kind, (all.get(kind) ?? false) || shownAt(i))
        }
        return `${[...all.values()].filter(Boolean).length}/${all.size}`
      }
      const truncated = splitLines(new TextEncoder().encode(truncateLines(decode(input), after))).length
      rows.push({
        format: format.name,
        "routed to": route.compressor ?? "none",
        "tokens before": before,
        "tokens after": after,
        reduction: percent(after, before),
        "templates shown/recoverable/lost": `${s.shown}/${s.recoverable}/${s.lost} of ${s.total}`,
        "alerts shown": kinds(log.alertLines),
        "of them by value": kinds(log.valueAlertLines),
        "truncation alerts shown": kinds(log.alertLines, (i) => i < truncated),
        "p50 ms": ms(run.p50)
      })
      reductions += 1 - after / before
    }
    rows.push({ format: `all ${LOG_FORMATS.length}`, "routed to": `logs: ${routed}/${LOG_FORMATS.length}`, reduction: `${(100 * reductions / LOG_FORMATS.length).toFixed(1)}%` })
    return rows
  }
}
