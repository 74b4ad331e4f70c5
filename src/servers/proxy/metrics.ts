/**
 * What the proxy has done since it started, in memory and bounded: requests by provider and
 * outcome, tokens before and after by provider and stage, the time compression added (a histogram,
 * and the last samples for percentiles), failures by reason. `GET /stats` gives it as JSON,
 * `GET /metrics` as Prometheus text.
 *
 * @since 0.3.0
 */

/** How a request went through. */
export type Outcome = "compressed" | "unchanged" | "bypass" | "forwarded" | "refused"

/** What went wrong, counted: the closed set `/metrics` labels failures with. */
export type Failure =
  | "compress-error"
  | "compress-timeout"
  /** A new tool result or image not compressed within the budget (it went as it came), one per block. */
  | "over-budget"
  | "bad-body"
  | "upstream-unreachable"
  | "upstream-timeout"
  | "upstream-cut"
  | "client-gone"
  | "unauthorized"
  | "retrieve-error"
  | "ledger-error"

/** Histogram buckets of added time, in seconds. */
const BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
/** Samples kept for percentiles: the most recent ones. */
const SAMPLES = 4096

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",")}}`

export class Metrics {
  readonly started = Date.now()
  private readonly requests = new Map<string, number>()
  private readonly tokens = new Map<string, { before: number; after: number }>()
  private readonly failures = new Map<Failure, number>()
  private readonly buckets = BUCKETS.map(() => 0)
  private overheadCount = 0
  private overheadSum = 0
  /** The last SAMPLES times, as a ring. */
  private readonly recent: Array<number> = []
  private next = 0
  private retrievals = 0

  request(provider: string, outcome: Outcome): void {
    const key = `${provider}\u0000${outcome}`
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1)
  }

  /** Tokens (estimated) of the tool results a stage changed, before and after. */
  tokensOf(provider: string, stage: string, before: number, after: number): void {
    const key = `${provider}\u0000${stage}`
    const t = this.tokens.get(key) ?? { before: 0, after: 0 }
    t.before += before
    t.after += after
    this.tokens.set(key, t)
  }

  failure(reason: Failure, count = 1): void {
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + count)
  }

  retrieval(): void {
    this.retrievals++
  }

  /** Milliseconds the proxy added to a request before it went upstream. */
  overhead(ms: number): void {
    const s = ms / 1000
    BUCKETS.forEach((b, i) => {
      if (s <= b) this.buckets[i]!++
    })
    this.overheadCount++
    this.overheadSum += s
    this.recent[this.next] = ms
    this.next = (this.next + 1) % SAMPLES
  }

  /** The figures as `GET /stats` gives them. */
  snapshot() {
    const byProvider: Record<string, Record<string, number>> = {}
    for (const [key, n] of this.requests) {
      const [provider, outcome] = key.split("\u0000") as [string, string]
      ;(byProvider[provider] ??= {})[outcome] = n
    }
    const byStage: Record<string, { tokensBefore: number; tokensAfter: number }> = {}
    let before = 0
    let after = 0
    for (const [key, t] of this.tokens) {
      const stage = key.split("\u0000")[1]!
      const s = (byStage[stage] ??= { tokensBefore: 0, tokensAfter: 0 })
      s.tokensBefore += t.before
      s.tokensAfter += t.after
      before += t.before
      after += t.after
    }
    const sorted = [...this.recent].sort((a, b) => a - b)
    return {
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
      requests: byProvider,
      tokensBefore: before,
      tokensAfter: after,
      saved: before === 0 ? 0 : Number((1 - after / before).toFixed(4)),
      stages: byStage,
      overheadMs: { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), samples: sorted.length },
      retrievals: this.retrievals,
      failures: Object.fromEntries(this.failures)
    }
  }

  /** The figures in Prometheus' text format. */
  prometheus(): string {
    const out: Array<string> = []
    out.push("# HELP headroom_proxy_requests_total Requests by provider and how they went through.", "# TYPE headroom_proxy_requests_total counter")
    for (const [key, n] of this.requests) {
      const [provider, outcome] = key.split("\u0000") as [string, string]
      out.push(`headroom_proxy_requests_total${labels({ provider, outcome })} ${n}`)
    }
    out.push("# HELP headroom_proxy_tokens_before_total Estimated tokens of the tool results compressed, before.", "# TYPE headroom_proxy_tokens_before_total counter")
    for (const [key, t] of this.tokens) {
      const [provider, stage] = key.split("\u0000") as [string, string]
      out.push(`headroom_proxy_tokens_before_total${labels({ provider, stage })} ${t.before}`)
    }
    out.push("# HELP headroom_proxy_tokens_after_total Estimated tokens of the tool results compressed, after.", "# TYPE headroom_proxy_tokens_after_total counter")
    for (const [key, t] of this.tokens) {
      const [provider, stage] = key.split("\u0000") as [string, string]
      out.push(`headroom_proxy_tokens_after_total${labels({ provider, stage })} ${t.after}`)
    }
    out.push("# HELP headroom_proxy_overhead_seconds Time the proxy added before a request went upstream.", "# TYPE headroom_proxy_overhead_seconds histogram")
    BUCKETS.forEach((b, i) => out.push(`headroom_proxy_overhead_seconds_bucket${labels({ le: String(b) })} ${this.buckets[i]}`))
    out.push(`headroom_proxy_overhead_seconds_bucket${labels({ le: "+Inf" })} ${this.overheadCount}`)
    out.push(`headroom_proxy_overhead_seconds_sum ${this.overheadSum}`, `headroom_proxy_overhead_seconds_count ${this.overheadCount}`)
    out.push("# HELP headroom_proxy_failures_total Failures by reason (the request was still forwarded or answered).", "# TYPE headroom_proxy_failures_total counter")
    for (const [reason, n] of this.failures) out.push(`headroom_proxy_failures_total${labels({ reason })} ${n}`)
    out.push("# HELP headroom_proxy_retrievals_total headroom_retrieve calls the proxy answered itself.", "# TYPE headroom_proxy_retrievals_total counter")
    out.push(`headroom_proxy_retrievals_total ${this.retrievals}`)
    return `${out.join("\n")}\n`
  }
}
