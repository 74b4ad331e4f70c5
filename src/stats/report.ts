/**
 * The ledger totalled: requests, tokens before and after, and the money saved — overall, per
 * model, per client and per day. A saved token is priced at what the request's input tokens cost
 * on average, from the upstream's own usage figures when it gave them (mostly cache reads in a long
 * session, so mostly 0.1× the list price), else at the list price.
 *
 * @since 0.3.0
 */
import type { LedgerEntry } from "../servers/proxy/ledger.ts"
import { priceOf } from "./prices.ts"

export interface Totals {
  requests: number
  /** Requests the proxy made smaller. */
  compressed: number
  tokensBefore: number
  tokensAfter: number
  /** US dollars. */
  saved: number
  /** headroom_retrieve calls the proxy answered. */
  retrievals: number
  /** The upstreams' own figures, summed over the requests that had them. */
  input: number
  cacheRead: number
  cacheWrite: number
  output: number
}

export interface Report {
  readonly since: number
  readonly totals: Totals
  readonly models: Array<Totals & { readonly model: string; readonly assumedPrice: boolean }>
  readonly clients: Array<Totals & { readonly client: string }>
  readonly days: Array<Totals & { readonly day: string }>
}

const empty = (): Totals => ({ requests: 0, compressed: 0, tokensBefore: 0, tokensAfter: 0, saved: 0, retrievals: 0, input: 0, cacheRead: 0, cacheWrite: 0, output: 0 })

/** Dollars saved by one request: its tokens saved at its average price per input token. */
export const savedBy = (entry: LedgerEntry): number => {
  const { price } = priceOf(entry.model, entry.provider)
  const u = entry.usage
  const billed = u ? u.input + u.cacheRead + u.cacheWrite : 0
  const rate = u && billed > 0 ? (u.input + u.cacheRead * price.cacheRead + u.cacheWrite * price.cacheWrite) / billed : 1
  return (Math.max(0, entry.tokensBefore - entry.tokensAfter) * rate * price.input) / 1e6
}

const add = (t: Totals, e: LedgerEntry): void => {
  t.requests++
  if (e.tokensAfter < e.tokensBefore) t.compressed++
  t.tokensBefore += e.tokensBefore
  t.tokensAfter += e.tokensAfter
  t.saved += savedBy(e)
  t.retrievals += e.retrievals ?? 0
  if (e.usage) {
    t.input += e.usage.input
    t.cacheRead += e.usage.cacheRead
    t.cacheWrite += e.usage.cacheWrite
    t.output += e.usage.output
  }
}

/** The calendar day of a time, in local time: `2026-11-30`. */
const dayOf = (at: number): string => {
  const d = new Date(at)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`
}

export const report = (entries: ReadonlyArray<LedgerEntry>, since: number): Report => {
  const totals = empty()
  const models = new Map<string, Totals & { model: string; assumedPrice: boolean }>()
  const clients = new Map<string, Totals & { client: string }>()
  const days = new Map<string, Totals & { day: string }>()
  for (const e of entries) {
    add(totals, e)
    const m = models.get(e.model) ?? { ...empty(), model: e.model, assumedPrice: priceOf(e.model, e.provider).assumed }
    add(m, e)
    models.set(e.model, m)
    const c = clients.get(e.client) ?? { ...empty(), client: e.client }
    add(c, e)
    clients.set(e.client, c)
    const day = dayOf(e.at)
    const d = days.get(day) ?? { ...empty(), day }
    add(d, e)
    days.set(day, d)
  }
  const bySaved = <T extends Totals>(xs: Iterable<T>) => [...xs].sort((a, b) => b.saved - a.saved || b.requests - a.requests)
  return {
    since,
    totals,
    models: bySaved(models.values()),
    clients: bySaved(clients.values()),
    days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day))
  }
}

const n = (x: number) => Math.round(x).toLocaleString("en-US")
const dollars = (x: number) => `$${x < 10 ? x.toFixed(2) : Math.round(x).toLocaleString("en-US")}`
const fewer = (t: Totals) => (t.tokensBefore === 0 ? "—" : `${(100 * (1 - t.tokensAfter / t.tokensBefore)).toFixed(1)}%`)

/** One line for one run (`headroom wrap` at exit): what its model calls were and became. */
export const runSummary = (title: string, t: Totals): string => {
  if (t.requests === 0) return `headroom: no model calls of ${title} went through the proxy`
  const retrievals = t.retrievals > 0 ? ` · ${n(t.retrievals)} left-out part${t.retrievals === 1 ? "" : "s"} asked back` : ""
  const calls = `${n(t.requests)} model call${t.requests === 1 ? "" : "s"}`
  return `headroom: ${title} sent ${n(t.tokensBefore)} tokens as ${n(t.tokensAfter)} (${fewer(t)} fewer) over ${calls} · ≈ ${dollars(t.saved)} saved${retrievals}`
}

/** Rows as a padded table: the first column left-aligned, the others right-aligned. */
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd()
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)]
}

/** How wide the bars of the per-day chart may be. */
const BAR = 32

export const formatReport = (r: Report, days: number): string => {
  const out: Array<string> = []
  const t = r.totals
  out.push(`headroom stats — the last ${days} day${days === 1 ? "" : "s"}`)
  if (t.requests === 0) {
    out.push("", "No requests recorded yet: start `headroom proxy` and point a client's base URL at it.")
    return `${out.join("\n")}\n`
  }
  out.push(
    "",
    `${n(t.requests)} model calls, ${n(t.compressed)} made smaller · tokens ${n(t.tokensBefore)} → ${n(t.tokensAfter)} (${fewer(t)} fewer) · saved ≈ ${dollars(t.saved)}`,
    `${n(t.retrievals)} left-out parts asked back by models (headroom_retrieve)`
  )
  if (t.input + t.cacheRead + t.cacheWrite > 0) {
    out.push(`as the upstreams billed them: ${n(t.input)} input, ${n(t.cacheRead)} read from cache, ${n(t.cacheWrite)} written to cache, ${n(t.output)} output`)
  }
  const head = ["requests", "tokens before", "tokens after", "fewer", "saved", "retrievals"]
  const cells = (x: Totals) => [n(x.requests), n(x.tokensBefore), n(x.tokensAfter), fewer(x), dollars(x.saved), n(x.retrievals)]
  out.push("", ...table(["model", ...head], r.models.map((m) => [`${m.model}${m.assumedPrice ? " *" : ""}`, ...cells(m)])))
  if (r.models.some((m) => m.assumedPrice)) out.push("* not in the price table: priced as its provider's usual model")
  out.push("", ...table(["client", ...head], r.clients.map((c) => [c.client, ...cells(c)])))
  const most = Math.max(...r.days.map((d) => d.tokensBefore - d.tokensAfter), 1)
  const bars = r.days.map((d) => "█".repeat(Math.round((BAR * (d.tokensBefore - d.tokensAfter)) / most)))
  out.push("", ...table(["day", ...head, "tokens saved"], r.days.map((d, i) => [d.day, ...cells(d), bars[i]!.padEnd(BAR)])))
  out.push("", "Saved dollars: each request's tokens saved at its average input price (cache reads and writes as the upstream reported them); list prices in `man headroom-stats`.")
  return `${out.join("\n")}\n`
}
