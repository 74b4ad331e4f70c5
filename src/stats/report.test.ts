/**
 * `headroom stats`'s arithmetic: what a model's input costs (the longest listed prefix of its name),
 * what one request saved (its tokens saved at its average input price, cache reads and writes as
 * the upstream billed them), and the ledger totalled overall, per model, per client and per local day.
 */
import fc from "fast-check"
import { describe, expect, it, onTestFinished } from "vitest"
import type { Provider } from "../providers/conversation.ts"
import type { LedgerEntry } from "../servers/proxy/ledger.ts"
import { PRICES, priceOf } from "./prices.ts"
import { formatReport, report, savedBy, type Totals } from "./report.ts"

const PROVIDERS: ReadonlyArray<Provider> = ["anthropic", "openai-chat", "openai-responses", "gemini"]

const price = (prefix: string) => PRICES.find(([p]) => p === prefix)![1]

const entry = (fields: Partial<LedgerEntry> = {}): LedgerEntry => ({
  at: new Date(2026, 10, 30, 12, 0).getTime(),
  client: "claude-code",
  provider: "anthropic",
  model: "claude-sonnet-4-6",
  tokensBefore: 10_000,
  tokensAfter: 2_000,
  stages: {},
  status: 200,
  overheadMs: 3,
  ...fields
})

describe("priceOf", () => {
  it("prices a model by the longest listed prefix of its name", () => {
    expect(priceOf("claude-opus-4-5-20251101", "anthropic")).toEqual({ price: price("claude-opus-4-5"), assumed: false })
    expect(priceOf("claude-opus-4-1-20250805", "anthropic")).toEqual({ price: price("claude-opus-4"), assumed: false })
    expect(priceOf("gpt-5-mini-2025-08-07", "openai-chat").price.input).toBe(0.25)
    expect(priceOf("gpt-5-nano", "openai-responses").price.input).toBe(0.05)
    expect(priceOf("gpt-5-codex", "openai-responses").price.input).toBe(1.25)
    expect(priceOf("gpt-4o-mini-2024-07-18", "openai-chat").price.input).toBe(0.15)
    expect(priceOf("gpt-4o-2024-08-06", "openai-chat").price.input).toBe(2.5)
    expect(priceOf("gemini-2.5-flash-lite-preview", "gemini").price.input).toBe(0.1)
    expect(priceOf("gemini-2.5-flash", "gemini").price.input).toBe(0.3)
  })

  it("reads Gemini's `models/` names and any case", () => {
    expect(priceOf("models/gemini-2.5-pro", "gemini")).toEqual({ price: price("gemini-2.5-pro"), assumed: false })
    expect(priceOf("Claude-Sonnet-4-6", "anthropic")).toEqual({ price: price("claude-sonnet-4"), assumed: false })
    expect(priceOf("MODELS/Gemini-2.5-Flash", "gemini")).toEqual({ price: price("gemini-2.5-flash"), assumed: false })
  })

  it("prices a model it does not list as its provider's usual model, and says it assumed", () => {
    expect(priceOf("llama-3.3-70b", "anthropic")).toEqual({ price: price("claude-sonnet-4"), assumed: true })
    expect(priceOf("llama-3.3-70b", "openai-chat")).toEqual({ price: price("gpt-5"), assumed: true })
    expect(priceOf("llama-3.3-70b", "openai-responses")).toEqual({ price: price("gpt-5"), assumed: true })
    expect(priceOf("llama-3.3-70b", "gemini")).toEqual({ price: price("gemini-2.5-pro"), assumed: true })
    expect(priceOf("", "gemini").assumed).toBe(true)
    // A listed name in the middle is no prefix.
    expect(priceOf("my-gpt-4o", "openai-chat")).toEqual({ price: price("gpt-5"), assumed: true })
  })

  it("property: a name that starts with a listed prefix is priced by the longest such prefix, never assumed", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PRICES.map(([p]) => p)), fc.stringMatching(/^[a-z0-9.-]{0,12}$/), fc.constantFrom(...PROVIDERS), (prefix, suffix, provider) => {
        const name = prefix + suffix
        const longest = PRICES.filter(([p]) => name.startsWith(p)).reduce((a, b) => (b[0].length > a[0].length ? b : a))
        expect(priceOf(name, provider)).toEqual({ price: longest[1], assumed: false })
      })
    )
  })

  it("lists every price as a positive input price with cache multiples no more than 1.25", () => {
    for (const [, p] of PRICES) {
      expect(p.input).toBeGreaterThan(0)
      expect(p.cacheRead).toBeGreaterThan(0)
      expect(p.cacheRead).toBeLessThan(1)
      expect(p.cacheWrite).toBeGreaterThanOrEqual(1)
      expect(p.cacheWrite).toBeLessThanOrEqual(1.25)
    }
  })
})

describe("savedBy", () => {
  it("without usage figures, prices the saved tokens at the list price", () => {
    // 1,000,000 tokens saved on claude-sonnet-4 at $3 per million.
    expect(savedBy(entry({ tokensBefore: 1_200_000, tokensAfter: 200_000 }))).toBeCloseTo(3, 10)
    expect(savedBy(entry({ model: "gpt-4o", provider: "openai-chat", tokensBefore: 1_000_000, tokensAfter: 0 }))).toBeCloseTo(2.5, 10)
  })

  it("prices saved tokens near the cache-read rate when the upstream read almost all input from the cache", () => {
    const usage = { input: 100, cacheRead: 99_900, cacheWrite: 0, output: 50 }
    const saved = savedBy(entry({ tokensBefore: 1_000_000, tokensAfter: 0, usage }))
    const atCacheRead = 3 * 0.1
    expect(saved).toBeGreaterThan(atCacheRead)
    expect(saved).toBeLessThan(atCacheRead * 1.01)
  })

  it("weighs input, cache reads and cache writes by what the upstream billed", () => {
    // (12 + 2000 × 0.1 + 100 × 1.25) / 2112 of $3 per million, for 1,000,000 tokens.
    const usage = { input: 12, cacheRead: 2000, cacheWrite: 100, output: 7 }
    expect(savedBy(entry({ tokensBefore: 1_000_000, tokensAfter: 0, usage }))).toBeCloseTo((3 * (12 + 200 + 125)) / 2112, 10)
  })

  it("falls back to the list price when the usage figures billed no input", () => {
    expect(savedBy(entry({ tokensBefore: 1_000_000, tokensAfter: 0, usage: { input: 0, cacheRead: 0, cacheWrite: 0, output: 9 } }))).toBeCloseTo(3, 10)
  })

  it("is nothing for a request that was not made smaller, or came out larger", () => {
    expect(savedBy(entry({ tokensBefore: 0, tokensAfter: 0 }))).toBe(0)
    expect(savedBy(entry({ tokensBefore: 500, tokensAfter: 500 }))).toBe(0)
    expect(savedBy(entry({ tokensBefore: 500, tokensAfter: 900 }))).toBe(0)
  })

  it("property: never negative, and never more than the tokens saved at the dearest rate (a cache write)", () => {
    const usage = fc.record({ input: fc.nat(1e7), cacheRead: fc.nat(1e7), cacheWrite: fc.nat(1e7), output: fc.nat(1e6) })
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.constantFrom("claude-opus-4-5", "gpt-4o-mini", "gemini-2.5-flash", "something-else"),
        fc.nat(1e8),
        fc.nat(1e8),
        fc.option(usage, { nil: undefined }),
        (provider, model, tokensBefore, tokensAfter, u) => {
          const e = entry({ provider, model, tokensBefore, tokensAfter, usage: u })
          const { price: p } = priceOf(model, provider)
          const saved = savedBy(e)
          expect(saved).toBeGreaterThanOrEqual(0)
          expect(saved).toBeLessThanOrEqual((Math.max(0, tokensBefore - tokensAfter) * p.input * Math.max(1, p.cacheWrite)) / 1e6 + 1e-9)
        }
      )
    )
  })
})

const NUMBERS: ReadonlyArray<keyof Totals> = ["requests", "compressed", "tokensBefore", "tokensAfter", "saved", "retrievals", "input", "cacheRead", "cacheWrite", "output"]

const sum = (rows: ReadonlyArray<Totals>, key: keyof Totals) => rows.reduce((s, r) => s + r[key], 0)

describe("report", () => {
  it("totals requests, the smaller ones, tokens, retrievals and the upstreams' usage", () => {
    const r = report(
      [
        entry({ tokensBefore: 10_000, tokensAfter: 2_000, retrievals: 2, usage: { input: 10, cacheRead: 1000, cacheWrite: 50, output: 7 } }),
        entry({ tokensBefore: 0, tokensAfter: 0 }),
        entry({ tokensBefore: 4_000, tokensAfter: 1_000, usage: { input: 5, cacheRead: 0, cacheWrite: 20, output: 3 } })
      ],
      123
    )
    expect(r.since).toBe(123)
    expect(r.totals).toEqual({
      requests: 3,
      compressed: 2,
      tokensBefore: 14_000,
      tokensAfter: 3_000,
      saved: expect.any(Number),
      retrievals: 2,
      input: 15,
      cacheRead: 1000,
      cacheWrite: 70,
      output: 10
    })
    expect(r.totals.saved).toBeGreaterThan(0)
  })

  it("is all zeros and empty lists for an empty ledger", () => {
    const r = report([], 0)
    expect(r.totals).toEqual({ requests: 0, compressed: 0, tokensBefore: 0, tokensAfter: 0, saved: 0, retrievals: 0, input: 0, cacheRead: 0, cacheWrite: 0, output: 0 })
    expect([r.models, r.clients, r.days]).toEqual([[], [], []])
  })

  it("gives one row per model, most saved first, and marks the models priced by assumption", () => {
    const r = report(
      [
        entry({ model: "claude-opus-4-5", tokensBefore: 1_000_000, tokensAfter: 0 }), // $5
        entry({ model: "my-fine-tune", provider: "openai-chat", tokensBefore: 1_000_000, tokensAfter: 0 }), // $1.25, assumed gpt-5
        entry({ model: "claude-opus-4-5", tokensBefore: 1_000_000, tokensAfter: 0 }),
        entry({ model: "gemini-2.5-flash", provider: "gemini", tokensBefore: 100, tokensAfter: 100 })
      ],
      0
    )
    expect(r.models.map((m) => [m.model, m.requests, m.assumedPrice])).toEqual([
      ["claude-opus-4-5", 2, false],
      ["my-fine-tune", 1, true],
      ["gemini-2.5-flash", 1, false]
    ])
    expect(r.models[0]!.saved).toBeCloseTo(10, 10)
    expect(r.models[1]!.saved).toBeCloseTo(1.25, 10)
  })

  it("breaks ties in money by requests", () => {
    const r = report([entry({ model: "a", tokensBefore: 0, tokensAfter: 0 }), entry({ model: "b", tokensBefore: 0, tokensAfter: 0 }), entry({ model: "b", tokensBefore: 0, tokensAfter: 0 })], 0)
    expect(r.models.map((m) => m.model)).toEqual(["b", "a"])
  })

  it("gives one row per client", () => {
    const r = report([entry({ client: "codex" }), entry({ client: "claude-code" }), entry({ client: "codex" })], 0)
    expect(r.clients.map((c) => [c.client, c.requests]).sort()).toEqual([["claude-code", 1], ["codex", 2]])
  })

  it("gives one row per calendar day in local time, oldest first", () => {
    const tz = process.env.TZ
    // Twelve or thirteen hours ahead of UTC: local midnight is the day before in UTC.
    process.env.TZ = "Pacific/Auckland"
    onTestFinished(() => {
      if (tz === undefined) delete process.env.TZ
      else process.env.TZ = tz
    })
    const r = report(
      [
        entry({ at: new Date(2026, 11, 1, 0, 30).getTime() }),
        entry({ at: new Date(2026, 10, 30, 23, 30).getTime() }),
        entry({ at: new Date(2026, 11, 1, 23, 59).getTime() }),
        entry({ at: new Date(2026, 0, 5, 9, 0).getTime() })
      ],
      0
    )
    expect(new Date(2026, 11, 1, 0, 30).toISOString()).toBe("2026-11-30T11:30:00.000Z")
    expect(r.days.map((d) => [d.day, d.requests])).toEqual([["2026-01-05", 1], ["2026-11-30", 1], ["2026-12-01", 2]])
  })

  it("property: the totals are the sum over days, over models and over clients", () => {
    const ledgerEntry = fc.record({
      at: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 2, 1) }),
      client: fc.constantFrom("claude-code", "codex", "openai-sdk"),
      provider: fc.constantFrom(...PROVIDERS),
      model: fc.constantFrom("claude-sonnet-4-6", "gpt-4o", "gemini-2.5-pro", "unlisted"),
      tokensBefore: fc.nat(1e6),
      tokensAfter: fc.nat(1e6),
      stages: fc.constant({}),
      usage: fc.option(fc.record({ input: fc.nat(1e5), cacheRead: fc.nat(1e5), cacheWrite: fc.nat(1e5), output: fc.nat(1e4) }), { nil: undefined }),
      status: fc.constant(200),
      retrievals: fc.option(fc.nat(5), { nil: undefined }),
      overheadMs: fc.nat(50)
    })
    fc.assert(
      fc.property(fc.array(ledgerEntry, { maxLength: 40 }), (entries) => {
        const r = report(entries, 0)
        expect(r.totals.requests).toBe(entries.length)
        expect(sum(r.days, "requests")).toBe(entries.length)
        for (const rows of [r.days, r.models, r.clients]) {
          for (const key of NUMBERS) {
            if (key === "saved") expect(sum(rows, key)).toBeCloseTo(r.totals.saved, 6)
            else expect(sum(rows, key)).toBe(r.totals[key])
          }
        }
        expect(new Set(r.days.map((d) => d.day)).size).toBe(r.days.length)
        expect(r.days.map((d) => d.day)).toEqual([...r.days.map((d) => d.day)].sort())
      })
    )
  })
})

describe("formatReport", () => {
  it("says nothing was recorded yet, and how to start, for an empty ledger", () => {
    const text = formatReport(report([], 0), 30)
    expect(text).toBe("headroom stats — the last 30 days\n\nNo requests recorded yet: start `headroom proxy` and point a client's base URL at it.\n")
  })

  it("says day, not days, for one day", () => {
    expect(formatReport(report([], 0), 1)).toMatch(/^headroom stats — the last 1 day\n/)
  })

  it("prints the totals line, one row per model, client and day, and a note on assumed prices", () => {
    const r = report(
      [
        entry({ tokensBefore: 12_000, tokensAfter: 3_000, retrievals: 1, usage: { input: 12, cacheRead: 2000, cacheWrite: 100, output: 7 } }),
        entry({ model: "unlisted-model", provider: "openai-chat", client: "openai-sdk", tokensBefore: 0, tokensAfter: 0 })
      ],
      0
    )
    const text = formatReport(r, 7)
    expect(text).toContain("2 model calls, 1 made smaller · tokens 12,000 → 3,000 (75.0% fewer) · saved ≈ $")
    expect(text).toContain("1 left-out parts asked back by models (headroom_retrieve)")
    expect(text).toContain("as the upstreams billed them: 12 input, 2,000 read from cache, 100 written to cache, 7 output")
    expect(text).toMatch(/^claude-sonnet-4-6 +1 +12,000 +3,000 +75\.0% +\$0\.\d\d +1$/m)
    expect(text).toMatch(/^unlisted-model \* +1 +0 +0 +— +\$0\.00 +0$/m)
    expect(text).toContain("* not in the price table: priced as its provider's usual model")
    expect(text).toMatch(/^openai-sdk +1 /m)
    expect(text).toMatch(/^2026-11-30 +2 +12,000 +3,000 +75\.0% .* █{32}$/m)
  })
})
