/**
 * compress(request) over generated conversations in the four wire formats: only tool results'
 * texts change (ids, roles, order, call pairing, unknown fields, thinking and signed blocks stay
 * byte for byte); what is shown is lines of the result and every marker returns what it hides;
 * turn n's request compressed is a byte prefix of turn n+1's, and a fresh memo gives the same;
 * a store that refuses an original leaves that result as it came, never a dangling marker; and
 * nothing, however malformed, makes it fail.
 */
import { Effect, Exit, Layer } from "effect"
import fc from "fast-check"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { unfaithful } from "../../test/faithful.ts"
import { CORPUS, runInMemory } from "../../test/helpers.ts"
import { conversation, type Exchange, requestOf, turnsOf } from "../../test/requests.ts"
import * as Config from "../core/config.ts"
import { StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { parseAll } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { type Block, PROVIDERS, type Provider, writeAt } from "../providers/conversation.ts"
import { readConversation } from "../providers/providers.ts"
import * as MemoryStore from "../store/memory.ts"
import { compressMessages, compressRequest } from "./compress-request.ts"
import { Memo } from "./memo.ts"

type Body = Record<string, unknown>
const results = (body: Body, provider: Provider) =>
  readConversation(body, provider).blocks.filter((b): b is Extract<Block, { kind: "tool-result" }> => b.kind === "tool-result")

/** The messages of a body, serialised: what a provider's prompt cache compares. */
const messagesOf = (body: Body): string => JSON.stringify(body.messages ?? body.input ?? body.contents)

/** The call an exchange made, by id. */
const callOf = (exchanges: ReadonlyArray<Exchange>, id: string | undefined) => exchanges.flatMap((e) => e.calls).find((c) => c.id === id)

describe.each(PROVIDERS)("compressRequest on generated %s conversations", (provider) => {
  it("changes only tool results, faithfully, never the input; the stats add up", async () => {
    let changed = 0
    await fc.assert(
      fc.asyncProperty(conversation, async (exchanges) => {
        const body = requestOf(provider, exchanges)
        const before = JSON.stringify(body)
        const problems = await runInMemory(Effect.gen(function*() {
          const { body: out, stats } = yield* compressRequest(body, { provider })
          expect(JSON.stringify(body)).toBe(before)
          const originals = results(body, provider)
          const outputs = results(out as Body, provider)
          expect(outputs.map((r) => r.path)).toEqual(originals.map((r) => r.path))
          // Everything but the results' texts is as it came: put them back and it is the input.
          expect(JSON.stringify(writeAt(out, originals.map(({ path, text }) => ({ path, text }))))).toBe(before)
          expect(stats.tokensAfter).toBeLessThanOrEqual(stats.tokensBefore)
          const found: Array<string> = []
          for (const [i, original] of originals.entries()) {
            const output = outputs[i]!.text
            if (output === original.text) continue
            changed++
            // JSON crushed is rewritten, not cut into lines; its original comes back whole instead.
            if (callOf(exchanges, original.callId)?.command.startsWith("curl")) continue
            found.push(...yield* unfaithful(original.text, output))
          }
          return found
        }))
        expect(problems).toEqual([])
      }),
      { numRuns: 40 }
    )
    expect(changed).toBeGreaterThan(0)
  }, 120_000)

  it("keeps turn n's request a byte prefix of turn n+1's; a fresh memo gives the same", async () => {
    await fc.assert(
      fc.asyncProperty(conversation.filter((c) => c.length > 1), async (exchanges) => {
        await runInMemory(Effect.gen(function*() {
          const memo = new Memo()
          let previous: string | undefined
          for (const turn of turnsOf(provider, exchanges)) {
            const { body } = yield* compressRequest(turn, { provider, memo })
            const { body: fresh } = yield* compressRequest(turn, { provider })
            const sent = messagesOf(body as Body)
            expect(messagesOf(fresh as Body)).toBe(sent)
            if (previous !== undefined) expect(sent.startsWith(previous.slice(0, -1))).toBe(true)
            previous = sent
          }
        }))
      }),
      { numRuns: 30 }
    )
  }, 120_000)

  it("a request that only adds a note after a turn leaves the memo ready for the next turn, which need not have the note", async () => {
    const key = provider === "openai-responses" ? "input" : provider === "gemini" ? "contents" : "messages"
    const note = provider === "gemini" ? { role: "user", parts: [{ text: "and the tests?" }] } : { role: "user", content: "and the tests?" }
    await fc.assert(
      fc.asyncProperty(conversation.filter((c) => c.length > 1), async (exchanges) => {
        await runInMemory(Effect.gen(function*() {
          const memo = new Memo()
          for (const turn of turnsOf(provider, exchanges)) {
            const noted = { ...turn, [key]: [...(turn[key] as Array<unknown>), note] }
            for (const request of [turn, noted]) {
              const { body } = yield* compressRequest(request, { provider, memo })
              const { body: fresh } = yield* compressRequest(request, { provider })
              expect(JSON.stringify(body)).toBe(JSON.stringify(fresh))
            }
          }
        }))
      }),
      { numRuns: 20 }
    )
  }, 120_000)

  it("does a bare messages array as it does the request", async () => {
    await fc.assert(
      fc.asyncProperty(conversation, async (exchanges) => {
        const body = requestOf(provider, exchanges)
        const key = provider === "openai-responses" ? "input" : provider === "gemini" ? "contents" : "messages"
        await runInMemory(Effect.gen(function*() {
          const whole = yield* compressRequest({ [key]: body[key] }, { provider })
          const bare = yield* compressMessages(body[key] as Array<unknown>, { provider })
          expect(JSON.stringify(bare.messages)).toBe(JSON.stringify((whole.body as Body)[key]))
        }))
      }),
      { numRuns: 20 }
    )
  }, 120_000)

  it("fails open per block: an original the store refuses leaves its result as it came, no marker dangles", async () => {
    // A store that refuses originals whose key starts with 0-7 (about half), and keeps the rest.
    const flaky = Layer.effect(
      Store,
      Effect.sync(() => {
        const inner = MemoryStore.make()
        return {
          ...inner,
          put: (bytes: Uint8Array, ttlMs: number) =>
            /^[0-7]/.test(keyOf(bytes)) ? Effect.fail(new StoreUnavailable({ location: "flaky", reason: "refused" })) : inner.put(bytes, ttlMs)
        }
      })
    )
    const broken = Layer.succeed(Store, {
      ...MemoryStore.make(),
      put: () => Effect.fail(new StoreUnavailable({ location: "broken", reason: "disk full" }))
    })
    const settings = Config.layerWith({ home: "/nonexistent" })
    await fc.assert(
      fc.asyncProperty(conversation, async (exchanges) => {
        const body = requestOf(provider, exchanges)
        const dangling = await Effect.runPromise(Effect.gen(function*() {
          const store = yield* Store
          const { body: out } = yield* compressRequest(body, { provider })
          const missing: Array<string> = []
          for (const r of results(out as Body, provider)) {
            for (const m of parseAll(r.text)) if (Exit.isFailure(yield* Effect.exit(store.get(m.key)))) missing.push(m.key)
          }
          return missing
        }).pipe(Effect.provide(Layer.merge(flaky, settings))))
        expect(dangling).toEqual([])
        const untouched = await Effect.runPromise(compressRequest(body, { provider }).pipe(Effect.provide(Layer.merge(broken, settings))))
        expect(JSON.stringify(untouched.body)).toBe(JSON.stringify(body))
      }),
      { numRuns: 25 }
    )
  }, 120_000)
})

/** A request with junk put in some places: values of the wrong type where messages, parts and calls go. */
const mangled = fc.tuple(fc.constantFrom(...PROVIDERS), conversation, fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 6 })).map(
  ([provider, exchanges, junk]) => {
    const body = JSON.parse(JSON.stringify(requestOf(provider, exchanges))) as Body
    // Every object and array in the body, in document order: junk replaces a child of some of them.
    const holders: Array<Record<string, unknown>> = []
    const walk = (v: unknown) => {
      if (v === null || typeof v !== "object") return
      holders.push(v as Record<string, unknown>)
      for (const child of Object.values(v)) walk(child)
    }
    walk(body)
    for (const [n, value] of junk) {
      const holder = holders[n % holders.length]!
      const keys = Object.keys(holder)
      if (keys.length > 0) holder[keys[n % keys.length]!] = value
    }
    return { provider, body }
  }
)

describe("compressRequest never fails", () => {
  it("on any JSON value, as any format or none", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(undefined, ...PROVIDERS), async (body, provider) => {
        const exit = await runInMemory(Effect.exit(compressRequest(body, { provider })))
        expect(Exit.isSuccess(exit)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("on names and types JSON can hold but String cannot print (an object whose toString is not a function)", async () => {
    const odd = { toString: false }
    const bodies: Array<[Provider, Record<string, unknown>]> = [
      ["anthropic", { tools: [{ name: odd }], messages: [{ role: "assistant", content: [{ type: odd }, { type: "tool_use", id: "a", name: odd, input: {} }] }, { role: "user", content: [{ type: "tool_result", tool_use_id: "a", content: [{ type: odd }] }] }] }],
      ["openai-chat", { tools: [{ type: odd }], messages: [{ role: "user", content: [{ type: odd }] }, { role: "assistant", tool_calls: [{ id: "a", function: { name: odd, arguments: "{}" } }] }] }],
      ["openai-responses", { tools: [{ type: "function", name: odd }], input: [{ type: odd }, { role: "user", content: [{ type: odd }] }, { type: "function_call", call_id: "a", name: odd, arguments: "{}" }] }],
      ["gemini", { tools: [{ functionDeclarations: [{ name: odd }] }], contents: [{ role: "model", parts: [{ functionCall: { name: odd, args: {} } }] }] }]
    ]
    for (const [provider, body] of bodies) {
      const exit = await runInMemory(Effect.exit(compressRequest(body, { provider })))
      expect(Exit.isSuccess(exit), provider).toBe(true)
    }
  })

  it("on requests with junk where messages, parts and calls go, given or detected", async () => {
    await fc.assert(
      fc.asyncProperty(mangled, fc.boolean(), async ({ provider, body }, given) => {
        const exit = await runInMemory(Effect.exit(compressRequest(body, { provider: given ? provider : undefined })))
        expect(Exit.isSuccess(exit)).toBe(true)
        const messages = body.messages ?? body.input ?? body.contents
        if (Array.isArray(messages)) {
          const bare = await runInMemory(Effect.exit(compressMessages(messages, given ? { provider } : {})))
          expect(Exit.isSuccess(bare)).toBe(true)
        }
      }),
      { numRuns: 150 }
    )
  }, 120_000)
})

describe("tool rules from the config file", () => {
  it("come before the defaults: a tool of the user's own is read as they say", async () => {
    const source = readFileSync(join(CORPUS, "code/typescript/got/index.ts"), "utf8")
    const body = {
      model: "gpt-5",
      messages: [
        { role: "user", content: "Where does got retry?" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "fetch_source", arguments: JSON.stringify({ uri: "src/index.ts" }) } }] },
        { role: "tool", tool_call_id: "c1", content: source }
      ]
    }
    const rule = { tools: ["fetch_source"], kind: "read" as const, pathArg: "uri", readBack: { tool: "fetch_source", path: "uri", offset: "from", limit: "count" } }
    const withRule = await runInMemory(compressRequest(body, { provider: "openai-chat" }), { tools: [rule] })
    const text = (withRule.body as typeof body).messages[2]!.content!
    expect(text.length).toBeLessThan(source.length / 2)
    expect(text).toMatch(/fetch_source offset=\d+ limit=\d+/)
    // Without the rule the tool is unknown: its result is sniffed, and its markers name ccr-get alone.
    const without = await runInMemory(compressRequest(body, { provider: "openai-chat" }))
    expect((without.body as typeof body).messages[2]!.content).not.toMatch(/fetch_source offset/)
  })
})
