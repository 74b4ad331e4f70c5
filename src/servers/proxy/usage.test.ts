/**
 * Usage as each upstream reports it, read from realistic answers (test/upstream.ts) in the four
 * formats, whole and streamed, plain and encoded: input excludes the tokens read from or written
 * to the prompt cache; those are counted apart.
 */
import fc from "fast-check"
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { cutAt } from "../../../test/helpers.ts"
import { type Provider, type Reply, textReply, toolCallReply, USAGE } from "../../../test/upstream.ts"
import { SseReader } from "./sse.ts"
import { type Usage, usageIn, UsageTap } from "./usage.ts"

const PROVIDERS: ReadonlyArray<Provider> = ["openai-chat", "openai-responses", "anthropic", "gemini"]

/** What each format's answers in test/upstream.ts come to. */
const EXPECTED: Record<Provider, Usage> = {
  "openai-chat": { input: USAGE.input - USAGE.cached, cacheRead: USAGE.cached, cacheWrite: 0, output: USAGE.output },
  "openai-responses": { input: USAGE.input - USAGE.cached, cacheRead: USAGE.cached, cacheWrite: 0, output: USAGE.output },
  // Anthropic's input_tokens already leaves out both cache reads and writes.
  "anthropic": { input: USAGE.input - USAGE.cached - USAGE.cacheWrite, cacheRead: USAGE.cached, cacheWrite: USAGE.cacheWrite, output: USAGE.output },
  "gemini": { input: USAGE.input - USAGE.cached, cacheRead: USAGE.cached, cacheWrite: 0, output: USAGE.output }
}

const bodyOf = (reply: Reply): Buffer => Buffer.concat(reply.chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)))

/** The JSON payloads of a streamed reply's events ([DONE] left out). */
const eventsOf = (reply: Reply): Array<any> => {
  const reader = new SseReader()
  const events = [...reply.chunks.flatMap((c) => reader.push(typeof c === "string" ? Buffer.from(c) : c)), ...reader.end()]
  return events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data))
}

/** Runs a tap over a body given as chunks. */
const tapped = async (headers: Record<string, string>, chunks: ReadonlyArray<Buffer>): Promise<Usage | undefined> => {
  const tap = new UsageTap(headers)
  for (const c of chunks) tap.push(c)
  return tap.done()
}

/** The bytes in pieces of `size`. */
const pieces = (all: Buffer, size: number): Array<Buffer> => {
  const out: Array<Buffer> = []
  for (let i = 0; i < all.length; i += size) out.push(all.subarray(i, i + size))
  return out
}

const headersOf = (reply: Reply): Record<string, string> => ({ ...reply.headers })

describe("usageIn", () => {
  it.each(PROVIDERS)("%s: a whole answer", (provider) => {
    const answer = JSON.parse(bodyOf(textReply(provider, "Hi there.", { stream: false })).toString("utf8"))
    expect(usageIn(answer)).toEqual(EXPECTED[provider])
  })

  it.each(PROVIDERS)("%s: a whole tool-call answer", (provider) => {
    const reply = toolCallReply(provider, { id: "call_1", name: "get_weather", args: { city: "Oslo" } }, { stream: false, textBefore: "Checking." })
    expect(usageIn(JSON.parse(bodyOf(reply).toString("utf8")))).toEqual(EXPECTED[provider])
  })

  it("Anthropic stream: message_start's usage, then message_delta's totals", () => {
    const found = eventsOf(textReply("anthropic", "Hi there.", { stream: true })).map((e) => [e.type, usageIn(e)] as const).filter(([, u]) => u !== undefined)
    expect(found).toEqual([
      ["message_start", { ...EXPECTED.anthropic, output: 1 }],
      ["message_delta", EXPECTED.anthropic]
    ])
  })

  it("Anthropic stream: a message_delta with only output_tokens (the older API) says only that", () => {
    expect(usageIn({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 42 } })).toEqual({ output: 42 })
  })

  it("OpenAI Chat stream: only the last chunk (with empty choices) has usage, and only when asked for", () => {
    const withUsage = eventsOf(textReply("openai-chat", "Hi there.", { stream: true, includeUsage: true }))
    const found = withUsage.map(usageIn)
    expect(found.slice(0, -1).every((u) => u === undefined)).toBe(true)
    expect(found.at(-1)).toEqual(EXPECTED["openai-chat"])
    expect(withUsage.at(-1).choices).toEqual([])
    expect(eventsOf(textReply("openai-chat", "Hi there.", { stream: true, includeUsage: false })).map(usageIn).every((u) => u === undefined)).toBe(true)
  })

  it("OpenAI Responses stream: only response.completed has usage", () => {
    const found = eventsOf(textReply("openai-responses", "Hi there.", { stream: true })).map((e) => [e.type, usageIn(e)] as const).filter(([, u]) => u !== undefined)
    expect(found).toEqual([["response.completed", EXPECTED["openai-responses"]]])
  })

  it("Gemini stream: every chunk has the usage so far; the last one is the whole", () => {
    const found = eventsOf(textReply("gemini", "One two three.", { stream: true })).map(usageIn)
    expect(found.length).toBeGreaterThan(1)
    expect(found.slice(0, -1)).toEqual(found.slice(0, -1).map(() => ({ ...EXPECTED.gemini, output: 0 })))
    expect(found.at(-1)).toEqual(EXPECTED.gemini)
  })

  it("Gemini: thinking tokens count as output, as they are billed", () => {
    expect(usageIn({ usageMetadata: { promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 7, thoughtsTokenCount: 30 } })).toEqual({
      input: 60,
      cacheRead: 40,
      cacheWrite: 0,
      output: 37
    })
  })

  it("OpenAI: input leaves out the cached tokens; no details means none cached", () => {
    expect(usageIn({ object: "chat.completion", usage: { prompt_tokens: 50, completion_tokens: 5 } })).toEqual({ input: 50, cacheRead: 0, cacheWrite: 0, output: 5 })
    expect(usageIn({ object: "response", usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 20 }, output_tokens: 5 } })).toEqual({
      input: 30,
      cacheRead: 20,
      cacheWrite: 0,
      output: 5
    })
  })

  it("nothing for values without usage, and numbers that are not numbers count 0", () => {
    for (const v of [null, undefined, 3, "usage", [], {}, { usage: null }, { type: "ping" }, { response: { usage: null } }, { choices: [] }]) {
      expect(usageIn(v)).toBeUndefined()
    }
    expect(usageIn({ type: "message", usage: { input_tokens: "12", output_tokens: null } })).toEqual({ input: 0, output: 0 })
  })
})

describe("UsageTap", () => {
  it.each(PROVIDERS)("%s: a JSON answer, in one chunk and in small pieces", async (provider) => {
    const reply = textReply(provider, "Hi there, from a JSON answer.", { stream: false })
    const body = bodyOf(reply)
    expect(await tapped(headersOf(reply), [body])).toEqual(EXPECTED[provider])
    expect(await tapped(headersOf(reply), pieces(body, 7))).toEqual(EXPECTED[provider])
  })

  it.each(PROVIDERS)("%s: a streamed answer, chunk by chunk as the upstream wrote it", async (provider) => {
    const reply = textReply(provider, "Hi there, from a streamed answer.", { stream: true })
    expect(await tapped(headersOf(reply), reply.chunks.map((c) => Buffer.from(c)))).toEqual(EXPECTED[provider])
  })

  it.each(PROVIDERS)("%s: a streamed tool call", async (provider) => {
    const reply = toolCallReply(provider, { id: "call_1", name: "get_weather", args: { city: "Oslo" } }, { stream: true, textBefore: "Checking." })
    expect(await tapped(headersOf(reply), reply.chunks.map((c) => Buffer.from(c)))).toEqual(EXPECTED[provider])
  })

  it("Gemini: a `:streamGenerateContent` answered as a JSON array (no alt=sse)", async () => {
    const reply = textReply("gemini", "One two three four.", { stream: true, geminiJsonArray: true })
    expect(reply.headers?.["content-type"]).toContain("application/json")
    expect(await tapped(headersOf(reply), reply.chunks.map((c) => Buffer.from(c)))).toEqual(EXPECTED.gemini)
  })

  it("an OpenAI Chat stream that did not ask for usage has none", async () => {
    const reply = textReply("openai-chat", "Hi.", { stream: true, includeUsage: false })
    expect(await tapped(headersOf(reply), reply.chunks.map((c) => Buffer.from(c)))).toBeUndefined()
  })

  it("a stream whose last event lacks its blank line is still read", async () => {
    const reply = textReply("gemini", "Hi there.", { stream: true })
    const body = bodyOf(reply).toString("utf8").replace(/\r\n\r\n$/, "")
    expect(await tapped(headersOf(reply), [Buffer.from(body)])).toEqual(EXPECTED.gemini)
  })

  it("property: any chunking of any format's stream gives the same usage", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PROVIDERS), fc.string({ maxLength: 60 }), fc.array(fc.nat(), { maxLength: 10 }), async (provider, text, at) => {
        const reply = textReply(provider, text, { stream: true })
        const body = bodyOf(reply)
        const chunks = cutAt(body, at)
        expect(await tapped(headersOf(reply), chunks)).toEqual(EXPECTED[provider])
      }),
      { numRuns: 150 }
    )
  })

  const encodings: Array<[string, (b: Buffer) => Buffer]> = [
    ["gzip", gzipSync],
    ["x-gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
    [" GZIP ", gzipSync]
  ]

  describe.each(encodings)("content-encoding %j", (encoding, encode) => {
    it.each(PROVIDERS)("%s: a JSON answer", async (provider) => {
      const reply = textReply(provider, "Hi there, encoded.", { stream: false })
      const encoded = encode(bodyOf(reply))
      expect(await tapped({ ...headersOf(reply), "content-encoding": encoding }, pieces(encoded, 5))).toEqual(EXPECTED[provider])
    })

    it.each(PROVIDERS)("%s: a streamed answer", async (provider) => {
      const reply = textReply(provider, "Hi there, encoded and streamed.", { stream: true })
      const encoded = encode(bodyOf(reply))
      expect(await tapped({ ...headersOf(reply), "content-encoding": encoding }, pieces(encoded, 11))).toEqual(EXPECTED[provider])
    })
  })

  it("an encoding it cannot decode, or a body that is not what its encoding says: no usage, no error", async () => {
    const reply = textReply("openai-chat", "Hi.", { stream: false })
    expect(await tapped({ ...headersOf(reply), "content-encoding": "zstd" }, [bodyOf(reply)])).toBeUndefined()
    expect(await tapped({ ...headersOf(reply), "content-encoding": "gzip" }, [bodyOf(reply)])).toBeUndefined()
    expect(await tapped({ ...headersOf(reply), "content-encoding": "br" }, [Buffer.from("not brotli at all")])).toBeUndefined()
    // A gzip body cut short.
    const cutShort = gzipSync(bodyOf(reply)).subarray(0, 20)
    expect(await tapped({ ...headersOf(reply), "content-encoding": "gzip" }, [cutShort])).toBeUndefined()
  })

  it("a body that is not JSON, or JSON without usage: none", async () => {
    expect(await tapped({ "content-type": "text/html" }, [Buffer.from("<html><body>502 Bad Gateway</body></html>")])).toBeUndefined()
    expect(await tapped({ "content-type": "application/json" }, [Buffer.from("{\"usage\": {\"prompt_tokens\": 5")])).toBeUndefined()
    expect(await tapped({ "content-type": "application/json" }, [Buffer.from(JSON.stringify({ type: "error", error: { type: "overloaded_error" } }))])).toBeUndefined()
    expect(await tapped({ "content-type": "text/event-stream" }, [Buffer.from(": keep-alive\n\ndata: not json, mentions usage\n\ndata: [DONE]\n\n")])).toBeUndefined()
    expect(await tapped({}, [])).toBeUndefined()
  })

  it("a JSON answer over 16 MiB is not read; one just under is", async () => {
    const usage = { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } }
    const big = (mib: number) => Buffer.from(`{"object":"chat.completion","pad":"${"x".repeat(mib * 1024 * 1024)}","usage":${JSON.stringify(usage)}}`)
    expect(await tapped({ "content-type": "application/json" }, pieces(big(17), 1024 * 1024))).toBeUndefined()
    expect(await tapped({ "content-type": "application/json" }, pieces(big(15), 1024 * 1024))).toEqual({ input: 6, cacheRead: 4, cacheWrite: 0, output: 2 })
    // The cap is on the decoded size: a small gzip of a huge body is not read either.
    expect(await tapped({ "content-type": "application/json", "content-encoding": "gzip" }, [gzipSync(big(17))])).toBeUndefined()
  })

  it("a long stream is read whatever its length: events are read as they complete", async () => {
    const filler = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "y".repeat(1000) } }] })}\n\n`
    const chunks = Array.from({ length: 20_000 }, () => Buffer.from(filler))
    const reply = textReply("openai-chat", "end", { stream: true })
    chunks.push(...reply.chunks.map((c) => Buffer.from(c)))
    expect(await tapped(headersOf(reply), chunks)).toEqual(EXPECTED["openai-chat"])
  })
})
