/**
 * Cache safety end to end: real recorded sessions (the corpus Claude Code session and the Codex
 * rollout, their first 20 turns) replayed through the proxy as their agents sent them; for every
 * turn, what the upstream receives of the messages is a byte prefix of what it receives for the
 * next turn — so the provider's prompt cache reads the whole history — and the tool results in it
 * were made smaller.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CORPUS } from "../../../test/helpers.ts"
import { type ProxyRig, startProxyRig } from "../../../test/proxy-rig.ts"
import type { Upstream } from "../../../test/upstream.ts"
import { sessions } from "../../evals/sessions.ts"
import { MESSAGES_KEY } from "../../providers/providers.ts"
import type { Proxy } from "./server.ts"

const TURNS = 20

let rig: ProxyRig
let upstream: Upstream
let proxy: Proxy

beforeAll(async () => {
  rig = await startProxyRig()
  upstream = rig.up
  proxy = rig.proxy
})

afterAll(() => rig?.close())

const all = sessions(CORPUS)
const cases = [
  ["Claude Code", all.find((s) => s.file.includes("258c7280") && !s.file.includes("subagents"))!, "/v1/messages?beta=true"],
  ["Codex", all.find((s) => s.agent === "codex" && s.turns.length > TURNS)!, "/v1/responses"]
] as const

/** The messages of a body as JSON text, without the closing bracket: what the next turn's must start with. */
const open = (messages: unknown) => JSON.stringify(messages).slice(0, -1)

describe.each(cases)("a %s session replayed through the proxy", (_agent, session, path) => {
  it(`gives the upstream, turn after turn for ${TURNS} turns, a prefix of the next turn's messages`, async () => {
    const key = MESSAGES_KEY[session.provider]
    const turns = session.turns.slice(0, TURNS)
    upstream.received.length = 0
    for (const turn of turns) {
      const r = await fetch(`${proxy.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "sk-test", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ model: session.provider === "anthropic" ? "claude-sonnet-4-6" : "gpt-5.1-codex", stream: true, ...turn.body })
      })
      expect(r.status).toBe(200)
      await r.arrayBuffer()
    }
    const received = upstream.received.map((r) => (r.json as Record<string, unknown>)[key] as Array<unknown>)
    expect(received).toHaveLength(turns.length)
    let extended = 0
    for (let n = 0; n + 1 < turns.length; n++) {
      // Where the agent's own requests extend each other, the compressed ones do too, byte for byte.
      const sent = turns.map((t) => t.body[key] as Array<unknown>)
      if (!open(sent[n + 1]).startsWith(open(sent[n]))) continue
      extended++
      expect(open(received[n + 1]).startsWith(open(received[n])), `turn ${n + 1}`).toBe(true)
    }
    expect(extended).toBeGreaterThanOrEqual(TURNS - 2)
    const last = turns.length - 1
    expect(JSON.stringify(received[last]).length).toBeLessThan(JSON.stringify(turns[last]!.body[key]).length)
  }, 60_000)
})

describe("a proxy whose budget runs out", () => {
  it("sends each new tool result as it came, keeps it so on later turns, and counts it", async () => {
    // A budget of 0 ms: every tool result is new in a turn with no time left.
    const tight = await startProxyRig({ budgetMs: 0 })
    try {
      const session = cases[0][1]
      const turns = session.turns.slice(0, TURNS)
      for (const turn of turns) {
        const r = await fetch(`${tight.proxy.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": "sk-test", "anthropic-version": "2023-06-01" },
          body: JSON.stringify({ model: "claude-sonnet-4-6", ...turn.body })
        })
        expect(r.status).toBe(200)
        await r.arrayBuffer()
      }
      const received = tight.up.received.map((r) => (r.json as { messages: Array<unknown> }).messages)
      // Nothing was compressed, nothing lost: the upstream has the agent's own messages, turn after turn.
      received.forEach((messages, n) => expect(open(messages)).toBe(open(turns[n]!.body.messages)))
      const results = new Set(turns.flatMap((t) => (t.body.messages as Array<{ content: unknown }>).flatMap((m) => (Array.isArray(m.content) ? m.content : []))).filter((b: any) => b?.type === "tool_result").map((b: any) => b.tool_use_id))
      const stats = await (await fetch(`${tight.proxy.url}/stats`)).json() as { failures: Record<string, number> }
      expect(stats.failures["over-budget"]).toBe(results.size)
      expect(stats.failures["compress-timeout"]).toBeUndefined()
    } finally {
      await tight.close()
    }
  }, 60_000)
})
