/**
 * Logs by their structure, not by a list of formats: most lines carry the fields a log line has —
 * a timestamp, a level, a host or process field, `key=value` pairs, bracketed fields — in any
 * position; or many lines repeat a few shapes (the output of a build, an installer, a test run),
 * which is what the logs stage folds.
 *
 * @since 0.2.0
 */
import { template } from "../../core/template.ts"

const TIMESTAMP = new RegExp(
  [
    String.raw`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}`, // ISO 8601, SQL
    String.raw`\d{4}/\d{2}/\d{2}[ T]\d{2}:\d{2}`, // Go's log
    String.raw`\d{1,2}/[A-Z][a-z]{2}/\d{4}[: ]\d{2}:\d{2}`, // access logs
    String.raw`\b[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}`, // syslog, journald
    String.raw`\b\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}`, // redis
    String.raw`^[IWEFD]\d{4} \d{2}:\d{2}:\d{2}`, // klog, glog
    String.raw`^\d{6} \d{2}:?\d{2}:?\d{2}\b`, // HDFS, MySQL
    String.raw`^\d{2}/\d{2}/\d{2,4} \d{2}:\d{2}:\d{2}`, // Spark, Windows
    String.raw`^\d{2}-\d{2} \d{2}:\d{2}:\d{2}`, // Android
    String.raw`^\[?\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\]?\s`, // time of day first
    String.raw`^\[?\d{10}(?:[.,]\d{1,9})?\]?\s`, // epoch seconds
    String.raw`^\[?\d{13}\]?\s`, // epoch milliseconds
    String.raw`\btime="?\d` // logfmt
  ].join("|")
)

const LEVEL =
  /\b(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT|CRITICAL|SEVERE|ALERT|EMERG|PANIC)\b|[[(<](?:trace|debug|info|notice|warn|warning|error|fatal|crit|critical)[\])>]|\blevel=\w+|\bseverity=\w+|\.(?:INFO|ERROR|WARNING|DEBUG|NOTICE|CRITICAL):/
/** A process or host field: `sshd[812]:`, `(pid 12)`, `pid=12`, `#12]`, `12:M`. */
const PROCESS = /\w\[\d+\]:|\(pid:? ?\d+\)|\bpid[=: ]\d+|#\d+\]|^\d+:[A-Z] |\[[\w.-]+(?:-\d+|\/\d+|#\d+)\]|\[(?:main|thread|worker)[^\]]*\]/i
const KEY_VALUE = /(?:^|\s)[\w.@-]+=(?:"[^"]*"|[^\s"]+)/g
/** A field between brackets or separators: `[main]`, `| INFO |`. */
const FIELD = /\[[^\]\s][^\]]{0,60}\]|\s\|\s/

/** Test runners' per-test and summary lines, and their progress dots (ExUnit, RSpec, pytest: `....F..`). */
const TEST_LINE =
  /^[.FEsS*x]{8,}(?:\s+\[\s*\d+%\])?$|^\s*(?:[✓✔✗✘×√]|PASS\b|FAIL\b|ok\s|---\s*(?:PASS|FAIL)|=== RUN|test .* \.\.\. (?:ok|FAILED)|Tests? (?:run|Suites|Files)?:|\d+ (?:passing|failing)|(?:PASSED|FAILED|ERROR)\s+\S+::|Finished in [\d.]+ |\d+ (?:tests?|doctests?), \d+ failures?)/

/** A directory listing (`ls -l`): its dates are not a log's, and its names are what it says. */
const LISTING = /^[-dlcbps][rwxsStT-]{9}[.+@]?\s+\d+\s/

const keyValues = (line: string): number => {
  let n = 0
  for (const _ of line.matchAll(KEY_VALUE)) n++
  return n
}

/** Whether a line has the fields of a log line. */
export const isLogLine = (line: string): boolean => {
  if (TIMESTAMP.test(line)) return true
  const level = LEVEL.test(line)
  if (level && (PROCESS.test(line) || FIELD.test(line) || keyValues(line) >= 1)) return true
  return keyValues(line) >= 3
}

const share = (lines: ReadonlyArray<string>, test: (line: string) => boolean) =>
  lines.length === 0 ? 0 : lines.filter(test).length / lines.length

/** Shapes a line may share with others: its first word and word count, numbers masked. */
const shapeOf = (line: string): string => {
  const words = template(line.trim()).split(/\s+/)
  return `${words.length} ${words[0]} ${words[1] ?? ""}`
}

/** Whether non-blank lines are a directory listing. */
export const isListing = (lines: ReadonlyArray<string>): boolean => share(lines, (l) => LISTING.test(l)) >= 0.5

/**
 * Whether non-blank lines are a log by their fields: most lines that start an entry have log
 * fields (continuation lines such as stack frames aside), or they are test-runner output.
 */
export const hasLogFields = (lines: ReadonlyArray<string>): boolean => {
  const heads = lines.filter((l) => !/^\s/.test(l))
  if (share(heads, isLogLine) >= 0.5 && share(lines, isLogLine) >= 0.25) return true
  return share(lines, (l) => TEST_LINE.test(l)) >= 0.2
}

/**
 * Many lines, few shapes: at most a fifth as many shapes as lines, the commonest covering a
 * tenth — of lines that say something (three words or more: a list of paths or names is a list,
 * and each of its lines is the point).
 */
export const repeatsShapes = (lines: ReadonlyArray<string>): boolean => {
  if (lines.length < 20 || share(lines, (l) => l.trim().split(/\s+/).length >= 3) < 0.8) return false
  const counts = new Map<string, number>()
  for (const line of lines) {
    const shape = shapeOf(line)
    counts.set(shape, (counts.get(shape) ?? 0) + 1)
  }
  const top = Math.max(...counts.values())
  return counts.size <= 0.2 * lines.length && top >= 0.1 * lines.length
}
