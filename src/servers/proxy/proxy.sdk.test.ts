/**
 * The official SDKs through `headroom proxy`, against the scripted upstream (test/upstream.ts):
 * `openai` (Chat and Responses), `@anthropic-ai/sdk` and `@google/genai`, streaming and not. Each
 * gets the same answer, byte for byte, as when it calls the upstream directly, while the upstream
 * receives the conversation's tool result compressed. A client with no shell or file reader of its
 * own gets `headroom_retrieve`: the scripted model asks for left-out lines, the proxy answers it,
 * and the client sees only the model's final answer.
 */
import Anthropic from "@anthropic-ai/sdk"
import { GoogleGenAI } from "@google/genai"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import OpenAI from "openai"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { CORPUS } from "../../../test/helpers.ts"
import { type ProxyRig, startProxyRig } from "../../../test/proxy-rig.ts"
import { answer, type Provider, type Received, textReply, toolCallReply, type Upstream } from "../../../test/upstream.ts"
import type { Proxy } from "./server.ts"
import { generate } from "../../stages/image/generate.ts"

const T = 20_000
const SOURCE = readFileSync(join(CORPUS, "code", "python", "requests", "models.py"), "utf8")
const FIRST_LINES = SOURCE.split("\n").slice(0, 3).join("\n")

let rig: ProxyRig
let upstream: Upstream
let proxy: Proxy

beforeAll(async () => {
  rig = await startProxyRig()
  upstream = rig.up
  proxy = rig.proxy
})

afterAll(() => rig?.close())

beforeEach(() => {
  upstream.handler = answer
  upstream.received.length = 0
})

/**
 * A conversation in which the model called `fetch_source` and got a whole Python file back,
 * declaring `fetch_source` and, for an agent, its shell tool too.
 */
const conversation = (provider: Provider, agent: boolean): Record<string, any> => {
  switch (provider) {
    case "anthropic":
      return {
        model: "claude-sonnet-4-6",
        max_tokens: 512,
        tools: [
          { name: "fetch_source", description: "a file's text", input_schema: { type: "object", properties: { path: { type: "string" } } } },
          ...(agent ? [{ name: "Bash", description: "run a command", input_schema: { type: "object", properties: { command: { type: "string" } } } }] : [])
        ],
        messages: [
          { role: "user", content: "What does Response.json do?" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "fetch_source", input: { path: "requests/models.py" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: SOURCE }] }
        ]
      }
    case "openai-chat":
      return {
        model: "gpt-4o",
        tools: [
          { type: "function", function: { name: "fetch_source", parameters: { type: "object", properties: { path: { type: "string" } } } } },
          ...(agent ? [{ type: "function", function: { name: "bash", parameters: { type: "object", properties: { command: { type: "string" } } } } }] : [])
        ],
        messages: [
          { role: "user", content: "What does Response.json do?" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "fetch_source", arguments: JSON.stringify({ path: "requests/models.py" }) } }] },
          { role: "tool", tool_call_id: "call_1", content: SOURCE }
        ]
      }
    case "openai-responses":
      return {
        model: "gpt-4o",
        tools: [
          { type: "function", name: "fetch_source", parameters: { type: "object", properties: { path: { type: "string" } } }, strict: false },
          ...(agent ? [{ type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } }, strict: false }] : [])
        ],
        input: [
          { type: "message", role: "user", content: [{ type: "input_text", text: "What does Response.json do?" }] },
          { type: "function_call", call_id: "call_1", name: "fetch_source", arguments: JSON.stringify({ path: "requests/models.py" }) },
          { type: "function_call_output", call_id: "call_1", output: SOURCE }
        ]
      }
    case "gemini":
      return {
        tools: [{ functionDeclarations: [{ name: "fetch_source" }, ...(agent ? [{ name: "run_shell_command" }] : [])] }],
        contents: [
          { role: "user", parts: [{ text: "What does Response.json do?" }] },
          { role: "model", parts: [{ functionCall: { id: "fc_1", name: "fetch_source", args: { path: "requests/models.py" } } }] },
          { role: "user", parts: [{ functionResponse: { id: "fc_1", name: "fetch_source", response: { output: SOURCE } } }] }
        ]
      }
  }
}

const PROVIDERS: ReadonlyArray<Provider> = ["anthropic", "openai-chat", "openai-responses", "gemini"]

/** The path a provider's call goes to, streaming or not. */
const pathOf = (provider: Provider, stream: boolean) =>
  provider === "anthropic"
    ? "/v1/messages"
    : provider === "openai-chat"
    ? "/v1/chat/completions"
    : provider === "openai-responses"
    ? "/v1/responses"
    : `/v1beta/models/gemini-2.5-flash:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`

const post = async (base: string, provider: Provider, stream: boolean, body: Record<string, any>) => {
  const sent = provider === "gemini" ? body : { ...body, stream }
  const r = await fetch(`${base}${pathOf(provider, stream)}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-test", authorization: "Bearer sk-test", "anthropic-version": "2023-06-01" },
    body: JSON.stringify(sent)
  })
  return { status: r.status, type: r.headers.get("content-type"), bytes: Buffer.from(await r.arrayBuffer()) }
}

/** The text of the tool result in what the upstream received. */
const resultIn = (provider: Provider, received: Received): string => {
  const body = received.json as Record<string, any>
  switch (provider) {
    case "anthropic":
      return body.messages[2].content[0].content
    case "openai-chat":
      return body.messages[2].content
    case "openai-responses":
      return body.input[2].output
    case "gemini":
      return body.contents[2].parts[0].functionResponse.response.output
  }
}

describe.each(PROVIDERS)("%s through the proxy", (provider) => {
  it.each([false, true])("answers byte for byte as the upstream does directly (stream: %s), with the tool result compressed", async (stream) => {
    for (const agent of [true, false]) {
      upstream.received.length = 0
      const body = conversation(provider, agent)
      const direct = await post(upstream.url, provider, stream, body)
      const proxied = await post(proxy.url, provider, stream, body)
      expect(proxied.status).toBe(200)
      expect(proxied.type).toBe(direct.type)
      expect(proxied.bytes.equals(direct.bytes), proxied.bytes.toString().slice(0, 300)).toBe(true)
      const [straight, through] = upstream.received
      expect(resultIn(provider, straight!)).toBe(SOURCE)
      const compressed = resultIn(provider, through!)
      expect(compressed.length).toBeLessThan(SOURCE.length * 0.7)
      // An agent reads lines back with its shell; an app without one gets headroom_retrieve.
      expect(compressed).toMatch(agent ? /headroom ccr-get [0-9a-f]{12} --lines \d+-\d+/ : /headroom_retrieve hash=[0-9a-f]{12}/)
      expect(JSON.stringify((through!.json as { tools: unknown }).tools).includes("headroom_retrieve")).toBe(!agent)
    }
  }, T)
})

/** Retrieval: the scripted model asks for the first lines behind the marker, then answers with what it got. */
const retrieving = (provider: Provider) => (req: Received): Reply => {
  const stream = provider === "gemini" ? req.path.includes(":stream") : (req.json as { stream?: boolean }).stream === true
  const text = JSON.stringify(req.json)
  const asked = upstream.received.length > 1
  if (!asked) {
    const hash = /headroom_retrieve hash=([0-9a-f]{12})/.exec(text)?.[1] ?? "none"
    return toolCallReply(provider, { id: "call_r1", name: "headroom_retrieve", args: { hash, lines: "1-3" } }, { stream, textBefore: "Let me read the top. " })
  }
  return textReply(provider, text.includes(JSON.stringify(FIRST_LINES).slice(1, -1)) ? "It starts with the module docstring." : "I could not read it.", { stream })
}
type Reply = ReturnType<typeof answer>

const openai = () => new OpenAI({ apiKey: "sk-test", baseURL: `${proxy.url}/v1`, maxRetries: 0, timeout: 10_000 })
const anthropic = () => new Anthropic({ apiKey: "sk-ant-test", baseURL: proxy.url, maxRetries: 0, timeout: 10_000 })
const genai = () => new GoogleGenAI({ apiKey: "gm-test", vertexai: false, httpOptions: { baseUrl: proxy.url, timeout: 10_000 } })

/** The SDK's answer text for the conversation, streaming or not. */
const sdkText = async (provider: Provider, stream: boolean): Promise<string> => {
  const body = conversation(provider, false)
  switch (provider) {
    case "anthropic": {
      const message = stream ? await anthropic().messages.stream(body as never).finalMessage() : await anthropic().messages.create(body as never)
      expect(message.content.every((b) => b.type === "text")).toBe(true)
      return message.content.map((b) => (b.type === "text" ? b.text : "")).join("")
    }
    case "openai-chat": {
      const completion = stream ? await openai().chat.completions.stream(body as never).finalChatCompletion() : await openai().chat.completions.create(body as never)
      expect(completion.choices[0]!.message.tool_calls ?? []).toEqual([])
      return completion.choices[0]!.message.content ?? ""
    }
    case "openai-responses": {
      const response = stream ? await openai().responses.stream(body as never).finalResponse() : await openai().responses.create(body as never)
      expect(response.output.some((i) => i.type === "function_call")).toBe(false)
      return response.output_text
    }
    case "gemini": {
      const request = { model: "gemini-2.5-flash", contents: body.contents, config: { tools: body.tools } }
      if (!stream) {
        const r = await genai().models.generateContent(request)
        expect(r.functionCalls ?? []).toEqual([])
        return r.text ?? ""
      }
      let text = ""
      for await (const chunk of await genai().models.generateContentStream(request)) {
        expect(chunk.functionCalls ?? []).toEqual([])
        text += chunk.text ?? ""
      }
      return text
    }
  }
}

describe.each(PROVIDERS)("headroom_retrieve for a %s client without a shell", (provider) => {
  it.each([false, true])("is answered by the proxy; the client sees only the final answer (stream: %s)", async (stream) => {
    upstream.handler = retrieving(provider)
    const text = await sdkText(provider, stream)
    expect(text).toBe("Let me read the top. It starts with the module docstring.")
    expect(upstream.received).toHaveLength(2)
    // The continuation carries the model's call and the lines it asked for.
    const continued = JSON.stringify(upstream.received[1]!.json)
    expect(continued).toContain("call_r1")
    expect(continued).toContain(JSON.stringify(FIRST_LINES).slice(1, -1))
  }, T)
})

describe("an image sent through the proxy", () => {
  it("reaches the upstream smaller, with the note naming its original; the SDK's answer is the upstream's", async () => {
    const photo = await generate("photo", 41)
    const data = photo.png.toString("base64")
    const message = await anthropic().messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image", source: { type: "base64", media_type: "image/png", data } }] }]
    })
    expect(message.content[0]).toMatchObject({ type: "text" })
    const sent = upstream.received[0]!.json as { messages: Array<{ content: Array<Record<string, any>> }> }
    const [text, image, note] = sent.messages[0]!.content
    expect(text).toEqual({ type: "text", text: "What is in this picture?" })
    expect(image!.source.data.length).toBeLessThan(data.length / 10)
    expect(note!.text).toMatch(/full resolution: .*[0-9a-f]{12}/)
    // The same request through the OpenAI SDK (Chat Completions): a data URL, answered the same way.
    upstream.received.length = 0
    await openai().chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${data}` } }] }]
    })
    const chat = upstream.received[0]!.json as { messages: Array<{ content: Array<Record<string, any>> }> }
    expect(chat.messages[0]!.content[1]!.image_url.url.length).toBeLessThan(data.length / 10)
    expect(chat.messages[0]!.content[2]).toMatchObject({ type: "text" })
  }, T)
})
