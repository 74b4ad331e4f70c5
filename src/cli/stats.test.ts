/**
 * `headroom stats` end to end, through the real command (`bin/headroom`, built by `npm test`
 * before vitest): the real proxy, run as a child with its own HEADROOM_HOME in front of the scripted
 * upstream (test/upstream.ts), records its model calls in the LevelDB ledger; `headroom stats`
 * then totals them, for people and with `--json` for programs. An empty home, `--days` and its
 * bad values are checked too.
 */
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { BIN, headroom, removeHome, tempHome } from "../../test/helpers.ts"
import { bigToolResultRequest, startUpstream, type Upstream, USAGE } from "../../test/upstream.ts"
import { logItemsJson } from "../evals/generate.ts"
import { type LedgerEntry, record } from "../servers/proxy/ledger.ts"
import { Store } from "../core/store.ts"
import * as LevelStore from "../store/level.ts"
import { savedBy, type Totals } from "../stats/report.ts"

const T = 60_000 // each test's own timeout

interface StatsJson {
  readonly period: { readonly days: number; readonly since: string }
  readonly totals: Totals
  readonly models: Array<Totals & { readonly model: string; readonly assumedPrice: boolean }>
  readonly clients: Array<Totals & { readonly client: string }>
  readonly days: Array<Totals & { readonly day: string }>
}

const statsJson = async (home: string, args: ReadonlyArray<string> = []): Promise<StatsJson> => {
  const run = await headroom(["stats", "--json", ...args], { home })
  expect(run.stderr).toBe("")
  expect(run.code).toBe(0)
  return JSON.parse(run.stdout.toString("utf8")) as StatsJson
}

/** Today in local time, as the report writes a day. */
const today = (at = Date.now()) => {
  const d = new Date(at)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`
}

const n = (x: number) => Math.round(x).toLocaleString("en-US")

const until = async (check: () => Promise<boolean>, ms: number): Promise<boolean> => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}

// ---------------------------------------------------------------------------------------------
// The real proxy, in front of the scripted upstream

interface Running {
  readonly url: string
  readonly child: ChildProcess
  readonly exit: Promise<number | null>
  readonly stderr: () => string
}

/** `headroom proxy --port 0` as a child with this home, every upstream the scripted one. */
const startProxy = async (home: string, up: Upstream): Promise<Running> => {
  const child = spawn(
    process.execPath,
    [BIN, "proxy", "--port", "0", "--upstream-anthropic", up.url, "--upstream-openai", `${up.url}/v1`, "--upstream-gemini", up.url],
    { env: { ...process.env, HEADROOM_HOME: home, HEADROOM_PROXY_TOKEN: "" }, stdio: ["ignore", "ignore", "pipe"] }
  )
  let stderr = ""
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headroom proxy did not start: ${stderr}`)), 15_000)
    child.stderr!.on("data", () => {
      const m = /listening on (http:\/\/\S+)/.exec(stderr)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    exit.then((code) => reject(new Error(`headroom proxy exited with ${code}: ${stderr}`)))
  })
  return { url, child, exit, stderr: () => stderr }
}

const CLAUDE_CODE = "claude-cli/2.0.31 (external, cli)"
const OPENAI_SDK = "OpenAI/JS 6.49.0"


/** The same for OpenAI Chat Completions, from a client whose shell is exec_command. */
const bigChat = {
  model: "gpt-4o",
  tools: [{ type: "function", function: { name: "exec_command", parameters: { type: "object" } } }],
  messages: [
    { role: "user", content: "what failed?" },
    { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "exec_command", arguments: "{\"cmd\":\"curl -s https://api.example.com/logs\"}" } }] },
    { role: "tool", tool_call_id: "call_1", content: logItemsJson(1000) }
  ]
}

/** A request with nothing to compress. */
const small = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }

const post = async (url: string, body: unknown, userAgent: string): Promise<string> => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "user-agent": userAgent }, body: JSON.stringify(body) })
  expect(res.status).toBe(200)
  return res.text()
}

/** What the scripted upstream reports per request, as the ledger records it (input without cached tokens). */
const ANTHROPIC_USAGE = { input: USAGE.input - USAGE.cached - USAGE.cacheWrite, cacheRead: USAGE.cached, cacheWrite: USAGE.cacheWrite, output: USAGE.output }
const CHAT_USAGE = { input: USAGE.input - USAGE.cached, cacheRead: USAGE.cached, cacheWrite: 0, output: USAGE.output }

describe("headroom stats after the proxy's work", () => {
  let home: string
  let up: Upstream
  let days: ReadonlyArray<string>

  beforeAll(async () => {
    home = tempHome()
    up = await startUpstream()
    const dayBefore = today()
    const proxy = await startProxy(home, up)
    try {
      await post(`${proxy.url}/v1/messages`, bigToolResultRequest(false), CLAUDE_CODE)
      expect(await post(`${proxy.url}/v1/messages`, bigToolResultRequest(true), CLAUDE_CODE)).toContain("message_stop")
      await post(`${proxy.url}/v1/messages`, small, CLAUDE_CODE)
      await post(`${proxy.url}/v1/chat/completions`, bigChat, OPENAI_SDK)
      // The proxy records off the request path: wait until the ledger (read by another process) has all four.
      const recorded = await until(async () => (await statsJson(home)).totals.requests === 4, 20_000)
      expect(recorded, proxy.stderr()).toBe(true)
    } finally {
      proxy.child.kill("SIGTERM")
    }
    expect(await proxy.exit).toBe(0)
    days = [...new Set([dayBefore, today()])]
  }, T)

  afterAll(async () => {
    await up?.close()
    if (home) removeHome(home)
  })

  it("--json counts the requests, those made smaller, and tokens before above after", async () => {
    const s = await statsJson(home)
    expect(s.period.days).toBe(30)
    expect(Math.abs(Date.parse(s.period.since) - (Date.now() - 30 * 86_400_000))).toBeLessThan(60_000)
    expect(s.totals.requests).toBe(4)
    expect(s.totals.compressed).toBe(3)
    expect(s.totals.tokensBefore).toBeGreaterThan(s.totals.tokensAfter)
    // 1,000 log items crushed: far fewer tokens.
    expect(s.totals.tokensAfter).toBeLessThan(s.totals.tokensBefore / 2)
    expect(s.totals.retrievals).toBe(0)
    expect(s.totals.saved).toBeGreaterThan(0)
  }, T)

  it("--json sums the upstream's own usage figures over the requests", async () => {
    const s = await statsJson(home)
    expect({ input: s.totals.input, cacheRead: s.totals.cacheRead, cacheWrite: s.totals.cacheWrite, output: s.totals.output }).toEqual({
      input: 3 * ANTHROPIC_USAGE.input + CHAT_USAGE.input,
      cacheRead: 3 * ANTHROPIC_USAGE.cacheRead + CHAT_USAGE.cacheRead,
      cacheWrite: 3 * ANTHROPIC_USAGE.cacheWrite + CHAT_USAGE.cacheWrite,
      output: 3 * ANTHROPIC_USAGE.output + CHAT_USAGE.output
    })
  }, T)

  it("--json gives each model its own row, priced from the table, and the rows add up to the totals", async () => {
    const s = await statsJson(home)
    const claude = s.models.find((m) => m.model === "claude-sonnet-4-6")!
    const gpt = s.models.find((m) => m.model === "gpt-4o")!
    expect(s.models).toHaveLength(2)
    expect([claude.requests, claude.compressed, claude.assumedPrice]).toEqual([3, 2, false])
    expect([gpt.requests, gpt.compressed, gpt.assumedPrice]).toEqual([1, 1, false])
    for (const m of [claude, gpt]) expect(m.tokensBefore).toBeGreaterThan(m.tokensAfter)
    for (const key of ["requests", "compressed", "tokensBefore", "tokensAfter", "input", "cacheRead", "cacheWrite", "output"] as const) {
      expect(claude[key] + gpt[key]).toBe(s.totals[key])
    }
    // Each request of a model had the same usage, so its saving is its tokens saved at that one rate.
    const as = (model: string, provider: LedgerEntry["provider"], row: Totals, usage: LedgerEntry["usage"]): number =>
      savedBy({ at: 0, client: "", provider, model, tokensBefore: row.tokensBefore, tokensAfter: row.tokensAfter, stages: {}, usage, status: 200, overheadMs: 0 })
    expect(claude.saved).toBeCloseTo(as("claude-sonnet-4-6", "anthropic", claude, ANTHROPIC_USAGE), 9)
    expect(gpt.saved).toBeCloseTo(as("gpt-4o", "openai-chat", gpt, CHAT_USAGE), 9)
    expect(claude.saved + gpt.saved).toBeCloseTo(s.totals.saved, 9)
  }, T)

  it("--json tells the clients apart by their user agents, and puts the requests on today's date", async () => {
    const s = await statsJson(home)
    expect(s.clients.map((c) => [c.client, c.requests]).sort()).toEqual([["claude-code", 3], ["openai-sdk", 1]])
    for (const d of s.days) expect(days).toContain(d.day)
    expect(s.days.reduce((sum, d) => sum + d.requests, 0)).toBe(4)
  }, T)

  it("prints the same figures for people: totals, and rows per model, client and day", async () => {
    const s = await statsJson(home)
    const run = await headroom(["stats"], { home })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    const text = run.stdout.toString("utf8")
    expect(text).toMatch(/^headroom stats — the last 30 days\n/)
    expect(text).toContain(`4 model calls, 3 made smaller · tokens ${n(s.totals.tokensBefore)} → ${n(s.totals.tokensAfter)} (`)
    expect(text).toContain("0 left-out parts asked back by models (headroom_retrieve)")
    expect(text).toContain(`as the upstreams billed them: ${n(s.totals.input)} input, ${n(s.totals.cacheRead)} read from cache, ${n(s.totals.cacheWrite)} written to cache`)
    for (const m of s.models) expect(text).toMatch(new RegExp(`^${m.model} +${m.requests} +${n(m.tokensBefore)} +${n(m.tokensAfter)} `, "m"))
    expect(text).not.toContain("not in the price table")
    expect(text).toMatch(/^claude-code +3 /m)
    expect(text).toMatch(/^openai-sdk +1 /m)
    expect(s.days.some((d) => new RegExp(`^${d.day} +${d.requests} `, "m").test(text))).toBe(true)
    expect(text).toContain("█")
  }, T)

  it("--days 1 still covers what was just recorded, and says 'day'", async () => {
    const s = await statsJson(home, ["--days", "1"])
    expect(s.period.days).toBe(1)
    expect(s.totals.requests).toBe(4)
    const run = await headroom(["stats", "--days", "1"], { home })
    expect(run.stdout.toString("utf8")).toMatch(/^headroom stats — the last 1 day\n/)
  }, T)
})

describe("headroom stats", () => {
  const home = () => {
    const h = tempHome()
    onTestFinished(() => removeHome(h))
    return h
  }

  it("says nothing was recorded yet, and how to start, in a home the proxy never used; exit 0", async () => {
    const run = await headroom(["stats"], { home: home() })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    expect(run.stdout.toString("utf8")).toBe(
      "headroom stats — the last 30 days\n\nNo requests recorded yet: start `headroom proxy` and point a client's base URL at it.\n"
    )
  }, T)

  it("--json in an empty home gives zeros and empty lists", async () => {
    const s = await statsJson(home())
    expect(s.totals).toEqual({ requests: 0, compressed: 0, tokensBefore: 0, tokensAfter: 0, saved: 0, retrievals: 0, input: 0, cacheRead: 0, cacheWrite: 0, output: 0 })
    expect([s.models, s.clients, s.days]).toEqual([[], [], []])
    expect(s.period.days).toBe(30)
  }, T)

  it("--days leaves out what is older", async () => {
    const h = home()
    const now = Date.now()
    const entry = (daysAgo: number, model: string): LedgerEntry => ({
      at: now - daysAgo * 86_400_000,
      client: "codex",
      provider: "openai-responses",
      model,
      tokensBefore: 5_000,
      tokensAfter: 1_000,
      stages: {},
      status: 200,
      overheadMs: 2
    })
    await Effect.runPromise(
      Effect.gen(function*() {
        const store = yield* LevelStore.open({ home: h, maxBytes: 1e9 })
        const write = (e: LedgerEntry) => record(e).pipe(Effect.provideService(Store, store))
        yield* write(entry(40, "gpt-5"))
        yield* write(entry(10, "gpt-5-mini"))
        yield* write(entry(2, "gpt-5-nano"))
        yield* store.close
      })
    )
    const models = async (args: ReadonlyArray<string>) => (await statsJson(h, args)).models.map((m) => m.model).sort()
    expect(await models([])).toEqual(["gpt-5-mini", "gpt-5-nano"])
    expect(await models(["--days", "7"])).toEqual(["gpt-5-nano"])
    expect(await models(["--days", "90"])).toEqual(["gpt-5", "gpt-5-mini", "gpt-5-nano"])
    const week = await headroom(["stats", "--days", "7"], { home: h })
    expect(week.stdout.toString("utf8")).toMatch(/^headroom stats — the last 7 days\n\n1 model calls, 1 made smaller · tokens 5,000 → 1,000 \(80\.0% fewer\)/)
  }, T)

  it("refuses --days below 1 with one line and exit 1", async () => {
    for (const days of ["0", "-3"]) {
      const run = await headroom(["stats", "--days", days], { home: home() })
      expect(run.code).toBe(1)
      expect(run.stdout.toString()).toBe("")
      expect(run.stderr).toBe(`headroom stats: --days: expected from 1 to 90 (the ledger keeps 90 days), got "${days}"\n`)
    }
  }, T)

  it("refuses a --days that is no whole number as a usage error, exit 2", async () => {
    for (const days of ["abc", "1.5"]) {
      const run = await headroom(["stats", "--days", days], { home: home() })
      expect(run.code).toBe(2)
      expect(run.stdout.toString()).toBe("")
      expect(run.stderr).toContain(`Invalid value for flag --days: "${days}"`)
    }
  }, T)

  it("--help explains the command and its flags", async () => {
    const run = await headroom(["stats", "--help"], { home: home() })
    expect(run.code).toBe(0)
    const text = run.stdout.toString("utf8")
    for (const word of ["headroom stats", "--days", "--json", "EXAMPLES"]) expect(text).toContain(word)
  }, T)
})

describe("headroom stats --days", () => {
  it("a --days beyond what the ledger keeps is one clear error, not an internal one", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const run = await headroom(["stats", "--days", "1000000000", "--json"], { home })
    expect(run.code).toBe(1)
    expect(run.stderr).toBe("headroom stats: --days: expected from 1 to 90 (the ledger keeps 90 days), got \"1000000000\"\n")
  }, 60_000)
})
