/**
 * compress-body gives the proxy what `compressRequest` gives, from bytes: for any run of requests
 * (turns, a turn again, a turn with a note, the bodies formatted any way), what it sends parses to
 * compressRequest's body, is that body's own serialisation when the client's bytes were, and keeps
 * every other byte of the client's (a `1.0` stays `1.0`).
 */
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { CORPUS, runInMemory } from "../../test/helpers.ts"
import { conversation, turnsOf } from "../../test/requests.ts"
import { sessions } from "../evals/sessions.ts"
import { PROVIDERS } from "../providers/conversation.ts"
import { Bodies } from "./compress-body.ts"
import { compressRequest } from "./compress-request.ts"
import { Memo } from "./memo.ts"

const NOTES: Record<string, unknown> = {
  anthropic: { role: "user", content: "Go on." },
  "openai-chat": { role: "user", content: "Go on." },
  "openai-responses": { type: "message", role: "user", content: [{ type: "input_text", text: "Go on." }] },
  gemini: { role: "user", parts: [{ text: "Go on." }] }
}
const KEYS: Record<string, string> = { anthropic: "messages", "openai-chat": "messages", "openai-responses": "input", gemini: "contents" }

/** Which requests are sent, in what order: each turn, perhaps with a note after it, perhaps an earlier one again. */
const plan = fc.array(fc.record({ note: fc.boolean(), again: fc.option(fc.nat(), { nil: undefined }), pretty: fc.boolean() }), { minLength: 1, maxLength: 8 })

describe.each(PROVIDERS)("compress-body on generated %s conversations", (provider) => {
  it("sends what compressRequest gives, for any order of turns and any formatting", async () => {
    await fc.assert(
      fc.asyncProperty(conversation, plan, async (exchanges, steps) => {
        const turns = turnsOf(provider, exchanges)
        const bodies = new Bodies()
        const memo = new Memo()
        let last: { pretty: boolean; first: unknown } | undefined
        await runInMemory(Effect.gen(function*() {
          for (const [i, turn] of turns.entries()) {
            const step = steps[i % steps.length]!
            const sent: Array<Record<string, any>> = [turn]
            if (step.note) sent.push({ ...turn, [KEYS[provider]!]: [...(turn[KEYS[provider]!] as Array<unknown>), NOTES[provider]] })
            if (step.again !== undefined) sent.push(turns[step.again % (i + 1)]!)
            for (const body of sent) {
              const raw = Buffer.from(step.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body))
              const parsed = bodies.parse(raw, provider)
              // Parsed from where the last body left off: its messages are the very objects read then.
              const messages = (parsed.json as Record<string, Array<unknown>>)[KEYS[provider]!]!
              if (body === turn) {
                if (last?.pretty === step.pretty && last.first !== undefined) expect(messages[0]).toBe(last.first)
                last = { pretty: step.pretty, first: messages[0] }
              }
              const out = yield* bodies.compress(parsed, { provider, memo })
              const fresh = yield* compressRequest(body, { provider })
              expect(out.stats.tokensAfter).toBe(fresh.stats.tokensAfter)
              const bytes = out.bytes ?? raw
              expect(JSON.parse(bytes.toString())).toEqual(fresh.body)
              if (!step.pretty) expect(bytes.toString()).toBe(JSON.stringify(fresh.body))
              // Written into the client's bytes, not serialised again.
              else expect(bytes.subarray(0, 12).toString()).toBe(raw.subarray(0, 12).toString())
            }
          }
        }))
      }),
      { numRuns: 25 }
    )
  }, 120_000)
})

describe("compress-body", () => {
  const exchanges = fc.sample(conversation.filter((c) => c.length > 2 && c.some((e) => e.calls.some((call) => call.output.length > 4000))), { numRuns: 1, seed: 7 })[0]!

  it("keeps every byte of the client's but the strings it replaces", async () => {
    const turns = turnsOf("anthropic", exchanges)
    const bodies = new Bodies()
    await runInMemory(Effect.gen(function*() {
      for (const turn of turns) {
        // A number JSON.parse would print differently, and spaces no serialiser writes.
        const raw = Buffer.from(JSON.stringify(turn, null, " ").replace(/^\{/, `{"temperature" :  1.0,\n`))
        const out = yield* bodies.compress(bodies.parse(raw, "anthropic"), { provider: "anthropic" })
        expect(out.stats.compressed).toBeGreaterThan(0)
        const text = out.bytes!.toString()
        expect(text.startsWith(`{"temperature" :  1.0,\n`)).toBe(true)
        expect(text.endsWith(raw.toString().slice(raw.toString().lastIndexOf(`"context_management"`)))).toBe(true)
      }
    }))
  })

  it("reads a body whose tail changed, or whose new part is no run of messages, whole", async () => {
    const turns = turnsOf("openai-chat", exchanges)
    const bodies = new Bodies()
    await runInMemory(Effect.gen(function*() {
      yield* bodies.compress(bodies.parse(Buffer.from(JSON.stringify(turns[1])), "openai-chat"), { provider: "openai-chat" })
      const other = { ...turns[2], tools: [] }
      const parsed = bodies.parse(Buffer.from(JSON.stringify(other)), "openai-chat")
      expect(parsed.json).toEqual(other)
      // The same head and tail around something that is not messages: not JSON, so parsing fails as it should.
      const text = JSON.stringify(turns[1])
      const at = text.indexOf(`],"tools"`)
      expect(() => bodies.parse(Buffer.from(`${text.slice(0, at)},1]]${text.slice(at)}`), "openai-chat")).toThrow()
    }))
  })

  it("on a real Claude Code session, sends turn by turn the very bytes compressRequest's body serialises to", async () => {
    const session = sessions(CORPUS).find((s) => s.file.includes("258c7280") && !s.file.includes("subagents"))!
    const bodies = new Bodies()
    const memo = new Memo()
    const reference = new Memo()
    await runInMemory(Effect.gen(function*() {
      for (const turn of session.turns.slice(0, 60)) {
        const raw = Buffer.from(JSON.stringify(turn.body))
        const out = yield* bodies.compress(bodies.parse(raw, "anthropic"), { provider: "anthropic", memo })
        const expected = yield* compressRequest(turn.body, { provider: "anthropic", memo: reference })
        expect((out.bytes ?? raw).toString()).toBe(expected.stats.compressed > 0 ? JSON.stringify(expected.body) : raw.toString())
      }
    }))
  }, 60_000)
})
