/**
 * The four adapters over generated requests (and the corpus sessions): a body read and written
 * back with its own texts is the same JSON, byte for byte; texts written at the blocks' paths are
 * what a second read finds, and nothing else changes; the input is never mutated; the format is
 * told from the body's shape.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { CORPUS } from "../../test/helpers.ts"
import { conversation, requestOf } from "../../test/requests.ts"
import { sessions } from "../evals/sessions.ts"
import { type Block, PROVIDERS, writeAt } from "./conversation.ts"
import { providerOf, providerOfMessages, readConversation } from "./providers.ts"

const texts = (blocks: ReadonlyArray<Block>) =>
  blocks.flatMap((b) => (b.kind === "text" || b.kind === "tool-result" ? [{ path: b.path, text: b.text }] : []))

/** A block without its text: what must not change when texts are written. */
const shape = (b: Block) => (b.kind === "text" || b.kind === "tool-result" ? { ...b, text: undefined } : b)

describe.each(PROVIDERS)("the %s adapter", (provider) => {
  it("reads a generated request, and its own texts written back give the same JSON", () => {
    fc.assert(
      fc.property(conversation, (exchanges) => {
        const body = requestOf(provider, exchanges)
        const serialised = JSON.stringify(body)
        expect(providerOf(body)).toBe(provider)
        const { blocks } = readConversation(body, provider)
        expect(JSON.stringify(writeAt(body, texts(blocks)))).toBe(serialised)
        // Every call and every result of the conversation is read, in order.
        const calls = exchanges.flatMap((e) => e.calls.map((c) => c.id))
        expect(blocks.filter((b) => b.kind === "tool-call").map((b) => (b as { id: string }).id)).toEqual(calls)
        expect([...new Set(blocks.flatMap((b) => (b.kind === "tool-result" ? [b.callId] : [])))]).toEqual(calls)
      }),
      { numRuns: 60 }
    )
  })

  it("writes texts where the blocks are and nowhere else, never mutating the input", () => {
    fc.assert(
      fc.property(conversation, fc.string({ maxLength: 20 }), (exchanges, stamp) => {
        const body = requestOf(provider, exchanges)
        const before = JSON.stringify(body)
        const { blocks } = readConversation(body, provider)
        const changed = writeAt(body, texts(blocks).map(({ path, text }) => ({ path, text: `${stamp}${text}!` })))
        expect(JSON.stringify(body)).toBe(before)
        const again = readConversation(changed, provider).blocks
        expect(again.map(shape)).toEqual(blocks.map(shape))
        expect(texts(again).map((t) => t.text)).toEqual(texts(blocks).map((t) => `${stamp}${t.text}!`))
        // Putting the old texts back gives the original body: nothing else was touched.
        expect(JSON.stringify(writeAt(changed, texts(blocks)))).toBe(before)
      }),
      { numRuns: 60 }
    )
  })

  it("tells a bare messages array of this format when it holds tool calls", () => {
    fc.assert(
      fc.property(conversation.filter((c) => c.some((e) => e.calls.length > 0)), (exchanges) => {
        const body = requestOf(provider, exchanges) as Record<string, Array<unknown>>
        const messages = body.messages ?? body.input ?? body.contents
        expect(providerOfMessages(messages!)).toBe(provider)
      }),
      { numRuns: 40 }
    )
  })
})

describe("the adapters on the corpus sessions (Claude Code, Codex, Gemini CLI)", () => {
  it("give every request back byte for byte", () => {
    let requests = 0
    for (const session of sessions(CORPUS)) {
      for (const turn of session.turns) {
        const body = turn.body as Record<string, unknown>
        expect(providerOf(body)).toBe(session.provider)
        const { blocks } = readConversation(body, session.provider)
        expect(JSON.stringify(writeAt(body, texts(blocks)))).toBe(JSON.stringify(body))
        requests++
      }
    }
    expect(requests).toBeGreaterThan(250)
  })
})
