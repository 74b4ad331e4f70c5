/**
 * The scripted upstream (test/upstream.ts) against the official SDKs, pointed at it directly (no
 * proxy): every reply shape — text and tool call, JSON and stream, errors — must be accepted by
 * `openai`, `@anthropic-ai/sdk` and `@google/genai` as a real provider's would. Every client gets a
 * fetch that refuses any host but 127.0.0.1, and nothing retries.
 */
import Anthropic from "@anthropic-ai/sdk"
import { ApiError, GoogleGenAI } from "@google/genai"
import OpenAI from "openai"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  answer,
  DEFAULT_TEXT,
  errorReply,
  providerOfPath,
  type Received,
  startUpstream,
  textReply,
  toolCallReply,
  type Upstream,
  USAGE
} from "./upstream.ts"

const T = 15_000 // each test's own timeout
const CALL = { id: "call_scripted_1", name: "run_shell", args: { cmd: "ls -la", cwd: "/tmp", n: 3, deep: { ok: true } } }

let upstream: Upstream
const offMachine: Array<string> = []

/** fetch for the SDKs: only 127.0.0.1. */
const localFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (url.hostname !== "127.0.0.1") {
    offMachine.push(url.href)
    return Promise.reject(new Error(`refused to leave the machine: ${url.href}`))
  }
  return fetch(input, init)
}

const openai = () => new OpenAI({ apiKey: "sk-test", baseURL: `${upstream.url}/v1`, maxRetries: 0, timeout: 5_000, fetch: localFetch })
const anthropic = () => new Anthropic({ apiKey: "sk-ant-test", baseURL: upstream.url, maxRetries: 0, timeout: 5_000, fetch: localFetch })
const gemini = () =>
  new GoogleGenAI({ apiKey: "gm-test", vertexai: false, httpOptions: { baseUrl: upstream.url, timeout: 5_000, fetch: localFetch } })

/** The one request the upstream received in this test. */
const only = (): Received => {
  expect(upstream.received).toHaveLength(1)
  return upstream.received[0]!
}

const bodyOf = (r: Received): Record<string, unknown> => {
  expect(r.json).toBeTypeOf("object")
  return r.json as Record<string, unknown>
}

beforeAll(async () => {
  upstream = await startUpstream()
})

afterAll(async () => {
  await upstream?.close()
  expect(offMachine).toEqual([])
})

beforeEach(() => {
  upstream.handler = answer
  upstream.received.length = 0
})

describe("the scripted upstream itself", () => {
  it("routes paths to providers", () => {
    expect(providerOfPath("/v1/chat/completions")).toBe("openai-chat")
    expect(providerOfPath("/v1/responses")).toBe("openai-responses")
    expect(providerOfPath("/v1/messages?beta=true")).toBe("anthropic")
    expect(providerOfPath("/v1beta/models/gemini-2.5-flash:generateContent")).toBe("gemini")
    expect(providerOfPath("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")).toBe("gemini")
    expect(providerOfPath("/v1/messages/count_tokens")).toBeUndefined()
    expect(providerOfPath("/v1/models")).toBeUndefined()
  })

  it("gives the same bytes for the same arguments, and streams in several chunks", () => {
    for (const p of ["openai-chat", "openai-responses", "anthropic", "gemini"] as const) {
      for (const stream of [false, true]) {
        const a = textReply(p, DEFAULT_TEXT, { stream })
        expect(Buffer.concat(a.chunks.map((c) => Buffer.from(c)))).toEqual(Buffer.concat(textReply(p, DEFAULT_TEXT, { stream }).chunks.map((c) => Buffer.from(c))))
        if (stream) expect(a.chunks.length).toBeGreaterThan(3)
        const b = toolCallReply(p, CALL, { stream, textBefore: "Let me look." })
        expect(b.chunks.join("")).toBe(toolCallReply(p, CALL, { stream, textBefore: "Let me look." }).chunks.join(""))
      }
    }
  })

  it("answers 404 JSON for unknown routes and lists models", async () => {
    const res = await localFetch(`${upstream.url}/nowhere`, { method: "POST", body: "x" })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { type: "not_found" } })
    const models = await openai().models.list()
    expect(models.data.map((m) => m.id)).toContain("gpt-4o")
    const claude = await anthropic().models.list()
    expect(claude.data.map((m) => m.id)).toContain("claude-sonnet-4-6")
    expect(upstream.received.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual(["POST /nowhere", "GET /v1/models", "GET /v1/models"])
    expect(upstream.received[2]?.headers["anthropic-version"]).toBeDefined()
    const pager = await gemini().models.list()
    expect(pager.page.map((m) => m.name)).toContain("models/gemini-2.5-flash")
    expect(upstream.received[3]?.path.split("?")[0]).toBe("/v1beta/models")
  }, T)

  it("spaces chunks by delayMs, so a stream can be seen arriving", async () => {
    upstream.handler = (req) => ({ ...answer(req), delayMs: 60 })
    const times: Array<number> = []
    const stream = await openai().chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true })
    for await (const _chunk of stream) times.push(Date.now())
    expect(times.length).toBeGreaterThan(3)
    expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual(50 * (times.length - 2))
  }, T)

  it("cuts a stream (reset): the SDK sees an error, not a clean end", async () => {
    upstream.handler = (req) => {
      const full = answer(req)
      return { ...full, chunks: full.chunks.slice(0, 3), reset: true }
    }
    const stream = await openai().chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true })
    const seen: Array<string> = []
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "")
      })()
    ).rejects.toThrow()
    expect(seen.join("")).toBe("Hello from ") // role chunk, "Hello ", "from ", then the cut
  }, T)

  it("hangs until the client gives up", async () => {
    upstream.handler = () => ({ chunks: [], hang: true })
    const client = new OpenAI({ apiKey: "sk-test", baseURL: `${upstream.url}/v1`, maxRetries: 0, timeout: 300, fetch: localFetch })
    await expect(client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError
    )
    expect(only().path).toBe("/v1/chat/completions")
  }, T)

  it("answers 500 when a handler throws", async () => {
    upstream.handler = () => {
      throw new Error("boom")
    }
    await expect(openai().chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
      status: 500
    })
  }, T)
})

describe("openai: Chat Completions", () => {
  const messages = [{ role: "user" as const, content: "Say hello." }]

  it("text, JSON", async () => {
    const completion = await openai().chat.completions.create({ model: "gpt-4o-mini", messages })
    expect(completion.choices[0]?.message.content).toBe(DEFAULT_TEXT)
    expect(completion.choices[0]?.finish_reason).toBe("stop")
    expect(completion.model).toBe("gpt-4o-mini")
    expect(completion.usage?.prompt_tokens).toBe(USAGE.input)
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(USAGE.cached)
    expect(completion._request_id).toBe("req_scripted_0001")
    const r = only()
    expect(r.method).toBe("POST")
    expect(r.path).toBe("/v1/chat/completions")
    expect(r.headers["authorization"]).toBe("Bearer sk-test")
    expect(bodyOf(r)).toMatchObject({ model: "gpt-4o-mini", messages })
  }, T)

  it("text, stream with include_usage: deltas, finish, then usage", async () => {
    const stream = await openai().chat.completions.create({ model: "gpt-4o", messages, stream: true, stream_options: { include_usage: true } })
    let text = ""
    const chunks: Array<OpenAI.Chat.Completions.ChatCompletionChunk> = []
    for await (const chunk of stream) {
      chunks.push(chunk)
      text += chunk.choices[0]?.delta.content ?? ""
    }
    expect(text).toBe(DEFAULT_TEXT)
    expect(chunks.length).toBeGreaterThan(3)
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop")
    expect(chunks.at(-1)?.choices).toEqual([])
    expect(chunks.at(-1)?.usage?.prompt_tokens_details?.cached_tokens).toBe(USAGE.cached)
    expect(bodyOf(only())).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  }, T)

  it("text, stream without include_usage: no usage chunk; the stream helper's final completion", async () => {
    const stream = openai().chat.completions.stream({ model: "gpt-4o", messages })
    const deltas: Array<string> = []
    stream.on("content", (delta) => deltas.push(delta))
    const final = await stream.finalChatCompletion()
    expect(final.choices[0]?.message.content).toBe(DEFAULT_TEXT)
    expect(deltas.length).toBeGreaterThan(1)
    expect(final.usage ?? undefined).toBeUndefined()
    expect(bodyOf(only())["stream"]).toBe(true)
  }, T)

  it("tool call, JSON", async () => {
    upstream.handler = () => toolCallReply("openai-chat", CALL, { stream: false })
    const completion = await openai().chat.completions.create({ model: "gpt-4o", messages })
    const message = completion.choices[0]?.message
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls")
    expect(message?.content).toBeNull()
    const call = message?.tool_calls?.[0]
    expect(call?.type === "function" ? [call.id, call.function.name, JSON.parse(call.function.arguments)] : call).toEqual([
      CALL.id,
      CALL.name,
      CALL.args
    ])
  }, T)

  it("tool call after text, stream: arguments in pieces, assembled by the SDK", async () => {
    upstream.handler = () => toolCallReply("openai-chat", CALL, { stream: true, textBefore: "Let me look." })
    const stream = openai().chat.completions.stream({ model: "gpt-4o", messages })
    const argDeltas: Array<string> = []
    stream.on("tool_calls.function.arguments.delta", (e) => argDeltas.push(e.arguments_delta))
    const final = await stream.finalChatCompletion()
    const message = final.choices[0]?.message
    expect(message?.content).toBe("Let me look.")
    const call = message?.tool_calls?.[0]
    expect(call?.type === "function" ? [call.id, call.function.name, JSON.parse(call.function.arguments)] : call).toEqual([
      CALL.id,
      CALL.name,
      CALL.args
    ])
    expect(argDeltas.length).toBeGreaterThan(1)
    expect(final.choices[0]?.finish_reason).toBe("tool_calls")
  }, T)

  it("error 429 with retry-after", async () => {
    upstream.handler = () => errorReply("openai-chat", 429, { "retry-after": "7" })
    const error = await openai()
      .chat.completions.create({ model: "gpt-4o", messages })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    const e = error as InstanceType<typeof OpenAI.RateLimitError>
    expect(e.status).toBe(429)
    expect(e.headers.get("retry-after")).toBe("7")
    expect(e.code).toBe("rate_limit_exceeded")
    expect(upstream.received).toHaveLength(1)
  }, T)
})

describe("openai: Responses", () => {
  it("text, JSON", async () => {
    const response = await openai().responses.create({ model: "gpt-4o", input: "Say hello." })
    expect(response.output_text).toBe(DEFAULT_TEXT)
    expect(response.status).toBe("completed")
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(USAGE.cached)
    const r = only()
    expect(r.path).toBe("/v1/responses")
    expect(bodyOf(r)).toMatchObject({ model: "gpt-4o", input: "Say hello." })
  }, T)

  it("text, stream: events in order with sequence numbers; finalResponse()", async () => {
    const stream = openai().responses.stream({ model: "gpt-4o", input: "Say hello." })
    const events: Array<{ type: string; sequence_number: number }> = []
    for await (const event of stream) events.push({ type: event.type, sequence_number: event.sequence_number })
    const final = await stream.finalResponse()
    expect(final.output_text).toBe(DEFAULT_TEXT)
    expect(final.usage?.input_tokens).toBe(USAGE.input)
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
    const types = [...new Set(events.map((e) => e.type))]
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed"
    ])
    expect(events.filter((e) => e.type === "response.output_text.delta").length).toBeGreaterThan(1)
    expect(bodyOf(only())["stream"]).toBe(true)
  }, T)

  it("text, create({ stream: true })", async () => {
    const stream = await openai().responses.create({ model: "gpt-4o", input: "Say hello.", stream: true })
    let text = ""
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta
    expect(text).toBe(DEFAULT_TEXT)
  }, T)

  it("tool call, JSON", async () => {
    upstream.handler = () => toolCallReply("openai-responses", CALL, { stream: false })
    const response = await openai().responses.create({ model: "gpt-4o", input: "List files." })
    const call = response.output.find((o) => o.type === "function_call")
    expect(call?.type === "function_call" ? [call.call_id, call.name, JSON.parse(call.arguments)] : call).toEqual([CALL.id, CALL.name, CALL.args])
    expect(response.output_text).toBe("")
  }, T)

  it("tool call after text, stream: finalResponse() has both items", async () => {
    upstream.handler = () => toolCallReply("openai-responses", CALL, { stream: true, textBefore: "Let me look." })
    const stream = openai().responses.stream({ model: "gpt-4o", input: "List files." })
    const argDeltas: Array<string> = []
    stream.on("response.function_call_arguments.delta", (e) => argDeltas.push(e.delta))
    const final = await stream.finalResponse()
    expect(final.output.map((o) => o.type)).toEqual(["message", "function_call"])
    expect(final.output_text).toBe("Let me look.")
    const call = final.output[1]
    expect(call?.type === "function_call" ? [call.call_id, call.name, JSON.parse(call.arguments)] : call).toEqual([CALL.id, CALL.name, CALL.args])
    expect(argDeltas.join("")).toBe(JSON.stringify(CALL.args))
  }, T)

  it("error 429 with retry-after", async () => {
    upstream.handler = () => errorReply("openai-responses", 429, { "retry-after": "7" })
    const error = await openai()
      .responses.create({ model: "gpt-4o", input: "x" })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    const e = error as InstanceType<typeof OpenAI.APIError>
    expect(e.status).toBe(429)
    expect(e.headers?.get("retry-after")).toBe("7")
  }, T)
})

describe("@anthropic-ai/sdk: Messages", () => {
  const params = { model: "claude-sonnet-4-6", max_tokens: 1024, messages: [{ role: "user" as const, content: "Say hello." }] }

  it("text, JSON", async () => {
    const message = await anthropic().messages.create(params)
    expect(message.content).toEqual([{ type: "text", text: DEFAULT_TEXT }])
    expect(message.stop_reason).toBe("end_turn")
    expect(message.usage.cache_read_input_tokens).toBe(USAGE.cached)
    expect(message.usage.cache_creation_input_tokens).toBe(USAGE.cacheWrite)
    expect(message.usage.input_tokens).toBe(USAGE.input - USAGE.cached - USAGE.cacheWrite)
    const r = only()
    expect(r.path).toBe("/v1/messages")
    // SDK 1.x sends the API key as `authorization: Bearer` (Claude Code sends `x-api-key`), and its own
    // `anthropic-version` date: a proxy must pass either credential header and the version on.
    expect([r.headers["x-api-key"], r.headers["authorization"]]).toContain(r.headers["x-api-key"] === undefined ? "Bearer sk-ant-test" : "sk-ant-test")
    expect(r.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(bodyOf(r)).toMatchObject(params)
  }, T)

  it("beta.messages: SDK 1.x posts to plain /v1/messages (0.x and Claude Code add ?beta=true)", async () => {
    const message = await anthropic().beta.messages.create({ ...params, betas: ["context-management-2025-06-27"] })
    expect(message.content[0]).toMatchObject({ type: "text", text: DEFAULT_TEXT })
    const r = only()
    expect(r.path.split("?")[0]).toBe("/v1/messages")
    expect(r.headers["anthropic-beta"]).toBe("context-management-2025-06-27")
  }, T)

  it("?beta=true, as Claude Code sends it, is answered the same (stream)", async () => {
    const res = await localFetch(`${upstream.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ ...params, stream: true })
    })
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/)
    const text = await res.text()
    expect(text.startsWith("event: message_start\ndata: ")).toBe(true)
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true)
    expect(only().path).toBe("/v1/messages?beta=true")
  }, T)

  it("text, stream: text events; finalMessage() with the usage", async () => {
    const stream = anthropic().messages.stream(params)
    const deltas: Array<string> = []
    stream.on("text", (delta) => deltas.push(delta))
    const message = await stream.finalMessage()
    expect(deltas.join("")).toBe(DEFAULT_TEXT)
    expect(deltas.length).toBeGreaterThan(1)
    expect(message.content).toEqual([{ type: "text", text: DEFAULT_TEXT }])
    expect(message.usage).toMatchObject({ output_tokens: USAGE.output, cache_read_input_tokens: USAGE.cached })
    expect(bodyOf(only())["stream"]).toBe(true)
  }, T)

  it("text, create({ stream: true }): the raw events in order", async () => {
    const stream = await anthropic().messages.create({ ...params, stream: true })
    const types: Array<string> = []
    for await (const event of stream) types.push(event.type)
    expect([...new Set(types)]).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
  }, T)

  it("tool use, JSON", async () => {
    upstream.handler = () => toolCallReply("anthropic", CALL, { stream: false })
    const message = await anthropic().messages.create(params)
    expect(message.stop_reason).toBe("tool_use")
    expect(message.content).toEqual([{ type: "tool_use", id: CALL.id, name: CALL.name, input: CALL.args }])
  }, T)

  it("tool use after text, stream: input assembled from partial JSON by finalMessage()", async () => {
    upstream.handler = () => toolCallReply("anthropic", CALL, { stream: true, textBefore: "Let me look." })
    const stream = anthropic().messages.stream(params)
    const partial: Array<string> = []
    stream.on("inputJson", (delta) => partial.push(delta))
    const message = await stream.finalMessage()
    expect(message.stop_reason).toBe("tool_use")
    expect(message.content).toEqual([
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: CALL.id, name: CALL.name, input: CALL.args }
    ])
    expect(partial.join("")).toBe(JSON.stringify(CALL.args))
  }, T)

  it("error 429 with retry-after", async () => {
    upstream.handler = () => errorReply("anthropic", 429, { "retry-after": "7" })
    const error = await anthropic()
      .messages.create(params)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Anthropic.RateLimitError)
    const e = error as InstanceType<typeof Anthropic.RateLimitError>
    expect(e.status).toBe(429)
    expect(e.headers.get("retry-after")).toBe("7")
    expect(e.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } })
    expect(upstream.received).toHaveLength(1)
  }, T)
})

describe("@google/genai: generateContent", () => {
  const model = "gemini-2.5-flash"

  it("text, JSON", async () => {
    const response = await gemini().models.generateContent({ model, contents: "Say hello." })
    expect(response.text).toBe(DEFAULT_TEXT)
    expect(response.candidates?.[0]?.finishReason).toBe("STOP")
    expect(response.usageMetadata?.cachedContentTokenCount).toBe(USAGE.cached)
    expect(response.usageMetadata?.promptTokenCount).toBe(USAGE.input)
    expect(response.modelVersion).toBe(model)
    const r = only()
    expect(r.path).toBe(`/v1beta/models/${model}:generateContent`)
    expect(r.headers["x-goog-api-key"]).toBe("gm-test")
    expect(bodyOf(r)).toMatchObject({ contents: [{ role: "user", parts: [{ text: "Say hello." }] }] })
  }, T)

  it("text, stream: several chunks over SSE", async () => {
    const stream = await gemini().models.generateContentStream({ model, contents: "Say hello." })
    const texts: Array<string> = []
    let last: Awaited<ReturnType<ReturnType<typeof gemini>["models"]["generateContent"]>> | undefined
    for await (const chunk of stream) {
      texts.push(chunk.text ?? "")
      last = chunk
    }
    expect(texts.join("")).toBe(DEFAULT_TEXT)
    expect(texts.length).toBeGreaterThan(1)
    expect(last?.candidates?.[0]?.finishReason).toBe("STOP")
    expect(last?.usageMetadata?.candidatesTokenCount).toBe(USAGE.output)
    expect(only().path).toBe(`/v1beta/models/${model}:streamGenerateContent?alt=sse`)
  }, T)

  it("function call, JSON", async () => {
    upstream.handler = () => toolCallReply("gemini", CALL, { stream: false })
    const response = await gemini().models.generateContent({ model, contents: "List files." })
    expect(response.functionCalls).toEqual([{ id: CALL.id, name: CALL.name, args: CALL.args }])
  }, T)

  it("function call after text, stream", async () => {
    upstream.handler = () => toolCallReply("gemini", CALL, { stream: true, textBefore: "Let me look." })
    const stream = await gemini().models.generateContentStream({ model, contents: "List files." })
    const parts: Array<unknown> = []
    for await (const chunk of stream) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []))
    const text = parts.map((p) => (p as { text?: string }).text ?? "").join("")
    expect(text).toBe("Let me look.")
    expect(parts.at(-1)).toEqual({ functionCall: { id: CALL.id, name: CALL.name, args: CALL.args } })
  }, T)

  it("streamGenerateContent without alt=sse: a JSON array, as the real service sends", async () => {
    const res = await localFetch(`${upstream.url}/v1beta/models/${model}:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Say hello." }] }] })
    })
    expect(res.headers.get("content-type")).toMatch(/^application\/json/)
    const chunks = (await res.json()) as Array<{ candidates: Array<{ content: { parts: Array<{ text: string }> } }> }>
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks.map((c) => c.candidates[0]?.content.parts[0]?.text).join("")).toBe(DEFAULT_TEXT)
  }, T)

  it("error 429 with retry-after", async () => {
    upstream.handler = () => errorReply("gemini", 429, { "retry-after": "7" })
    const error = await gemini()
      .models.generateContent({ model, contents: "x" })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(429)
    expect((error as ApiError).message).toContain("RESOURCE_EXHAUSTED")
    expect(upstream.received).toHaveLength(1)
  }, T)

  it("error 429 on a stream request", async () => {
    upstream.handler = () => errorReply("gemini", 429)
    const error = await gemini()
      .models.generateContentStream({ model, contents: "x" })
      .then(async (s) => {
        for await (const _ of s) void _
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(429)
  }, T)
})
