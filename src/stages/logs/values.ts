/**
 * Alerts by value. A line can report a failure without an alert word: an access log's 5xx
 * status, a process's non-zero exit code, a request that took a thousand times longer than its
 * kind usually does. Its template is the same as its healthy neighbours' (the numbers are masked),
 * so only its values tell it apart.
 *
 * @example valueAlert('"GET /x HTTP/1.1" 503 512') // "status 503"
 * @example valueAlert("worker exited with code 137") // "exit 137"
 *
 * @since 0.1.0
 */

/** After a status in prose, what would make the number a count or a time instead (`sent 503 bytes`). */
const NOT_A_STATUS = String.raw`(?![\d.,]|\s*(?:bytes?|[kKMG]i?B\b|B\b|ms\b|s\b|secs?\b|seconds?\b|records?|rows?|items?|messages?|entries|lines|times|%|/))`

/** Where a status code is said to be one: after a request, a key, a verb, before a reason phrase. */
const STATUS_5XX = new RegExp(
  [
    String.raw`"[A-Z]{3,10} \S+ HTTP/\d(?:\.\d)?" (5\d\d)\b`, // access logs: "GET /x HTTP/1.1" 503 512
    String.raw`\b(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) (?:https?://|/)\S* (?:HTTP/\d(?:\.\d)? )?(5\d\d)\b`, // GET /api/x 503 37ms
    String.raw`\bHTTP/\d(?:\.\d)? (5\d\d)\b`, // a status line: HTTP/1.1 502 Bad Gateway
    String.raw`\b(?:status|status[_-]?code|http[_-]?status|response[_-]?code)["']?\s*[=:]\s*["']?(5\d\d)\b`, // status=503, "status": 503
    String.raw`\b(?:completed|responded|returned|finished|failed|answered|replied|sent)(?: with)?(?: status| code| HTTP)?:? (5\d\d)\b${NOT_A_STATUS}`, // completed with 503, Sent 503 in 4ms
    String.raw`\b(5\d\d)[ -](?:Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Time-?out|HTTP Version Not Supported|Insufficient Storage|Loop Detected|Network Authentication Required)\b`,
    String.raw`(?:->|=>|→)\s*(5\d\d)\b${NOT_A_STATUS}`, // -> 502
    String.raw`\b\d+/\d+/\d+/\d+/\+?\d+ (5\d\d)\b` // HAProxy: its five timers, then the status
  ].join("|"),
  "i"
)

/** Exit codes, said the ways tools say them; `(-?\d+)` is the code. */
const EXIT_CODE = new RegExp(
  [
    String.raw`\bexit(?:ed)? with (?:exit )?(?:code|status) (-?\d+)\b`, // exited with code 137, exited with exit code 1
    String.raw`\bexit[ _-]?(?:code|status)["']?\s*[=:]?\s*\(?(-?\d+)\b`, // exit code: 1, exit status 2, exit_code=1, exitCode: 1
    String.raw`\b(?:rc|returncode|return[ _-]code)["']?\s*[=:]\s*(-?\d+)\b`, // rc=1, returncode=2
    String.raw`\bcode=exited, status=(\d+)`, // systemd: Main process exited, code=exited, status=2/INVALIDARGUMENT
    String.raw`\bexited\b.{0,80}?\b(?:code|status)["']?\s*[=:]\s*(-?\d+)\b`, // msg="child process exited" pid=4 code=2
    String.raw`\bpid \d+ exit (\d+)\b` // Ruby: #<Process::Status: pid 55325 exit 1>
  ].join("|"),
  "i"
)
const NON_ZERO_EXIT = /\bnon-?zero exit (?:status|code)\b/i
/** A Windows HRESULT with its failure bit set: `HRESULT = 0x80070005 - E_ACCESSDENIED`. */
const HRESULT_FAILURE = /\bHRESULT\s*[=:]\s*(0x[89a-f][0-9a-f]{7})\b/i
/** Killed by a signal: as much an abnormal end as a non-zero exit. */
const SIGNAL = /\b(?:terminated|killed|died) (?:by|with|on) signal:? ?(\d+|SIG[A-Z]+)\b/i

const firstGroup = (m: RegExpExecArray): string => m.slice(1).find((g) => g !== undefined) ?? ""

/**
 * What makes a line an alert by its values: `status 5xx`, `exit N` (N not 0), `signal N` or
 * `hresult 0x8…`, else undefined.
 * A 5xx elsewhere — a byte count, an id, a port — is not a status.
 */
export const valueAlert = (text: string): string | undefined => {
  const status = STATUS_5XX.exec(text)
  if (status) return `status ${firstGroup(status)}`
  const exit = EXIT_CODE.exec(text)
  if (exit) {
    const code = Number(firstGroup(exit))
    if (code !== 0) return `exit ${code}`
  }
  if (NON_ZERO_EXIT.test(text)) return "exit non-zero"
  const signal = SIGNAL.exec(text)
  if (signal) return `signal ${signal[1]}`
  const hresult = HRESULT_FAILURE.exec(text)
  if (hresult) return `hresult ${hresult[1]!.toLowerCase()}`
  return undefined
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  msec: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000
}

/** `30004ms`, `12.5 s`, `1m30.5s` (Go), `2h3m4s`: a number that starts a word, then a unit. */
const DURATION =
  /(?<![\w.])(?:(\d+)h)?(?:(\d+)m(?!s))?(\d+(?:\.\d+)?) ?(ns|us|µs|μs|ms|msec|millis|milliseconds?|s|secs?|seconds?)(?![\w/])/g
/** `duration_ms=30004`, `"elapsedMs": 41`, `took_seconds: 2.5`: the unit is in the key. */
const KEYED_DURATION = /\w(?:_ms|Ms|_millis|_sec|_secs|_seconds|Seconds)["']?\s*[=:]\s*(\d+(?:\.\d+)?)(?![\w.])/g

/** HAProxy's timers `Tq/Tw/Tc/Tr/Ta` (ms, -1 when not reached) before the status: the last is the total. */
const HAPROXY_TIMERS = /(?<![\w/])-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?(\d+) [1-5]\d\d\b/g

/** The durations a line reports, in milliseconds, in order. */
export const durations = (text: string): Array<number> => {
  const out: Array<number> = []
  if (!/\d/.test(text)) return out
  for (const m of text.matchAll(DURATION)) {
    const hours = Number(m[1] ?? 0)
    const minutes = Number(m[2] ?? 0)
    out.push((hours * 3600 + minutes * 60) * 1000 + Number(m[3]) * UNIT_MS[m[4]!.toLowerCase()]!)
  }
  for (const m of text.matchAll(HAPROXY_TIMERS)) out.push(Number(m[1]))
  for (const m of text.matchAll(KEYED_DURATION)) {
    const seconds = /sec|Sec/.test(m[0].slice(0, m[0].indexOf(m[1]!)))
    out.push(Number(m[1]) * (seconds ? 1000 : 1))
  }
  return out
}

/** Durations a series must have seen before any is called an outlier. */
const MIN_SAMPLES = 10
/** The recent durations a series remembers: old ones roll out, so a slow start is forgotten. */
const WINDOW = 32
/** Statistics are recomputed after this many new durations (sorting on every line costs too much). */
const REFRESH = 8
/** An outlier is at least this far above the median, in robust standard deviations (of the logarithm)… */
const SPREADS = 4
/** …and at least this many times the median… */
const MIN_RATIO = 10
/** …and at least this long: a jump from 1 µs to 50 µs is not worth a reader's attention. */
const MIN_OUTLIER_MS = 100
/** The spread assumed when a series barely varies (all 41ms): about ±30%. */
const MIN_SPREAD = 0.25
/** Series remembered; past this, new series are not followed (memory stays bounded). */
const MAX_SERIES = 10_000

interface Series {
  readonly recent: Float64Array
  seen: number
  sinceRefresh: number
  median: number
  spread: number
}

const median = (sorted: ArrayLike<number>): number => {
  const n = sorted.length
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
}

/**
 * Which durations are far above what lines of the same template usually show. Each series (a
 * template, and which of its durations) keeps its last {@link WINDOW} values as log(1 + ms);
 * a value is an outlier when the series has seen {@link MIN_SAMPLES} values and the value is
 * more than {@link SPREADS} robust deviations (1.4826 × the median absolute deviation) and
 * {@link MIN_RATIO} times above their median, and at least {@link MIN_OUTLIER_MS}. Outliers do not
 * join the window, so a burst of slow lines does not make slowness look usual.
 */
export class Latencies {
  private readonly series = new Map<number, Series>()

  /** Records a duration of a series; true when it is an outlier. */
  observe(series: number, ms: number): boolean {
    let s = this.series.get(series)
    if (!s) {
      if (this.series.size >= MAX_SERIES) return false
      s = { recent: new Float64Array(WINDOW), seen: 0, sinceRefresh: 0, median: 0, spread: MIN_SPREAD }
      this.series.set(series, s)
    }
    const value = Math.log1p(Math.max(0, ms))
    if (s.seen >= MIN_SAMPLES && ms >= MIN_OUTLIER_MS) {
      const threshold = s.median + Math.max(SPREADS * s.spread, Math.log(MIN_RATIO))
      if (value > threshold) return true
    }
    s.recent[s.seen % WINDOW] = value
    s.seen++
    if (++s.sinceRefresh >= REFRESH || s.seen === MIN_SAMPLES) this.refresh(s)
    return false
  }

  private refresh(s: Series) {
    s.sinceRefresh = 0
    const values = s.recent.slice(0, Math.min(s.seen, WINDOW)).sort()
    s.median = median(values)
    const deviations = values.map((v) => Math.abs(v - s.median)).sort()
    s.spread = Math.max(MIN_SPREAD, 1.4826 * median(deviations))
  }
}
