/**
 * A scripted fake model provider for tests: a real `node:http` server on 127.0.0.1 (an ephemeral
 * port) that answers the four wire formats headroom sits in front of — OpenAI Chat Completions,
 * OpenAI Responses, Anthropic Messages and Gemini `generateContent` — well enough that the official
 * SDKs (`openai`, `@anthropic-ai/sdk`, `@google/genai`) accept its answers, JSON and streamed.
 *
 * Why: the proxy (src/servers/proxy/) is tested end to end — official SDK → proxy → this server —
 * with no network and no real provider. Every request is recorded as it arrived (`received`), and
 * how it is answered is scripted per test (`handler`): a text or tool-call answer, an error as the
 * provider sends it, a stream that is slow, cut (`reset`) or never answered (`hang`).
 *
 * Answers are deterministic: fixed ids, fixed `created` timestamps, fixed usage numbers (`USAGE`),
 * no `Date` header; the same arguments give the same bytes. Streams are written one SSE event per
 * chunk, so a client that reads as they come can observe the stream.
 *
 * Wire details copied from the real services (and checked against the SDKs in upstream.test.ts):
 * - OpenAI SSE is `data: {json}` lines ending with `data: [DONE]`; Responses SSE adds `event:` lines
 *   and a `sequence_number` on every event. A Chat stream carries usage (a last chunk with empty
 *   `choices`) only when the request asked for it with `stream_options.include_usage`.
 * - Anthropic SSE needs its `event:` lines: the SDK skips events without one. `ping` may come anywhere.
 * - Gemini SSE is `data:` lines only, separated by CRLF CRLF as the real service does; the last
 *   chunk carries `finishReason` (without one, @google/genai's stream continuation may reconnect).
 *   `:streamGenerateContent` without `alt=sse` answers a JSON array, as the real service does.
 */
import { logItemsJson } from "../src/evals/generate.ts"
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"

export type Provider = "openai-chat" | "openai-responses" | "anthropic" | "gemini"

/** One request as the server received it. */
export interface Received {
  method: string
  /** The path with its query string, e.g. `/v1/messages?beta=true`. */
  path: string
  headers: IncomingHttpHeaders
  body: Buffer
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  json: unknown | undefined
}

/** How one request is answered. */
export interface Reply {
  /** Default 200. */
  status?: number
  headers?: Record<string, string>
  /** Written in order; one SSE event per chunk in the helpers' streams. */
  chunks: Array<string | Buffer>
  /** Pause before each chunk after the first (default 0). */
  delayMs?: number
  /** Destroy the socket after writing the chunks (a cut stream). */
  reset?: boolean
  /** Never answer: the request stays open until the client gives up or the server closes. */
  hang?: boolean
}

export interface Upstream {
  /** "http://127.0.0.1:PORT", no trailing slash. */
  url: string
  /** Every request, in the order their bodies were complete. */
  received: Array<Received>
  /** How the next requests are answered; default: `answer`. A handler that throws answers 500. */
  handler: (req: Received) => Reply
  /** Closes the server and every open socket (hanging requests included). */
  close(): Promise<void>
}

/** The usage every answer reports. Input counts include cached tokens the way each provider counts them. */
export const USAGE = {
  /** All input tokens: OpenAI `prompt_tokens`/`input_tokens`, Gemini `promptTokenCount`. */
  input: 2112,
  /** Input read from the prompt cache: OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`, Gemini `cachedContentTokenCount`. */
  cached: 2000,
  /** Input written to the cache: Anthropic `cache_creation_input_tokens` (Anthropic's `input_tokens` is what is left: 12). */
  cacheWrite: 100,
  output: 7
} as const

/** Fixed values of every answer. */
export const FIXED = {
  created: 1_700_000_000,
  models: {
    "openai-chat": "gpt-4o",
    "openai-responses": "gpt-4o",
    anthropic: "claude-sonnet-4-6",
    gemini: "gemini-2.5-flash"
  } satisfies Record<Provider, string>
} as const

/** The text of the default answer. */
export const DEFAULT_TEXT = "Hello from the scripted model."

// ---------------------------------------------------------------------------------------------
// Routing

/** The provider a request is for, from its path (query string allowed; any prefix before the
 *  provider's own path is allowed too, for base URLs with a path). */
export const providerOfPath = (path: string): Provider | undefined => {
  const p = path.split("?")[0] ?? ""
  if (/\/chat\/completions$/.test(p)) return "openai-chat"
  if (/\/responses$/.test(p)) return "openai-responses"
  if (/\/messages$/.test(p)) return "anthropic"
  if (/\/models\/[^/]+:(generateContent|streamGenerateContent)$/.test(p)) return "gemini"
  return undefined
}

const queryOf = (path: string): URLSearchParams => new URLSearchParams(path.split("?")[1] ?? "")

const field = (json: unknown, key: string): unknown =>
  typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>)[key] : undefined

/** Whether the request asks for a stream: `stream: true` in the body, or Gemini's stream path. */
export const isStreamRequest = (req: Received): boolean =>
  providerOfPath(req.path) === "gemini" ? /:streamGenerateContent(\?|$)/.test(req.path) : field(req.json, "stream") === true

/** The model a request names: `model` in the body, or Gemini's path. */
export const modelOfRequest = (req: Received): string | undefined => {
  const gemini = /\/models\/([^/:?]+):/.exec(req.path)
  if (gemini) return decodeURIComponent(gemini[1] ?? "")
  const model = field(req.json, "model")
  return typeof model === "string" ? model : undefined
}

/**
 * The default handler: `DEFAULT_TEXT` in the request's format, streamed when the request asks,
 * naming the request's model. `GET /v1/models` lists models (in Anthropic's shape when the
 * request carries `anthropic-version`), `GET /v1beta/models` in Gemini's; anything else is 404.
 */
export const answer = (req: Received): Reply => {
  const path = req.path.split("?")[0] ?? ""
  if (req.method === "GET" && /\/v1\/models$/.test(path)) return modelsReply(req.headers["anthropic-version"] !== undefined)
  if (req.method === "GET" && /\/v1beta\/models$/.test(path)) return geminiModelsReply()
  const provider = providerOfPath(req.path)
  if (req.method !== "POST" || provider === undefined) return notFoundReply(req)
  const model = modelOfRequest(req)
  const streamOptions = field(req.json, "stream_options")
  return textReply(provider, DEFAULT_TEXT, {
    stream: isStreamRequest(req),
    ...(model === undefined ? {} : { model }),
    includeUsage: provider !== "openai-chat" || field(streamOptions, "include_usage") === true,
    ...(provider === "gemini" && !queryOf(req.path).has("alt") ? { geminiJsonArray: true } : {})
  })
}

// ---------------------------------------------------------------------------------------------
// Building replies

export interface ReplyOptions {
  stream: boolean
  /** The model named in the answer; default `FIXED.models[provider]`. */
  model?: string
  /** Chat Completions streams only: send the usage chunk (`stream_options.include_usage`). Default true. */
  includeUsage?: boolean
  /** Gemini streams only: answer a JSON array instead of SSE (`:streamGenerateContent` without `alt=sse`). */
  geminiJsonArray?: boolean
}

type Json = Record<string, unknown>

/** One SSE event: `event:` line when named, then one `data:` line, then the blank line. */
export const sse = (event: string | undefined, data: unknown, eol = "\n"): string =>
  `${event === undefined ? "" : `event: ${event}${eol}`}data: ${typeof data === "string" ? data : JSON.stringify(data)}${eol}${eol}`

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }
const JSON_HEADERS = { "content-type": "application/json" }
const REQUEST_ID: Record<Provider, Record<string, string>> = {
  "openai-chat": { "x-request-id": "req_scripted_0001" },
  "openai-responses": { "x-request-id": "req_scripted_0001" },
  anthropic: { "request-id": "req_scripted_0001" },
  gemini: {}
}

const jsonReply = (provider: Provider, body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { ...JSON_HEADERS, ...REQUEST_ID[provider], ...headers },
  chunks: [JSON.stringify(body)]
})

const sseReply = (provider: Provider, chunks: Array<string>): Reply => ({
  status: 200,
  headers: { ...SSE_HEADERS, ...REQUEST_ID[provider] },
  chunks
})

/** Text in stream pieces: one word (with the space after it) each. */
const words = (text: string): Array<string> => text.match(/\s*\S+\s*/g) ?? (text === "" ? [] : [text])

/** A JSON string in three pieces (by code point), as argument deltas come. */
const thirds = (s: string): Array<string> => {
  const cps = Array.from(s)
  const n = Math.ceil(cps.length / 3)
  return [0, 1, 2].map((i) => cps.slice(i * n, (i + 1) * n).join("")).filter((x) => x !== "")
}

interface Call {
  id: string
  name: string
  args: Record<string, unknown>
}

/** What an answer says: optional text, then optional tool call. */
interface Content {
  text: string | undefined
  call: Call | undefined
}

/** A fixed text answer in the provider's format, streaming when `stream`. */
export const textReply = (provider: Provider, text: string, options: ReplyOptions): Reply =>
  build(provider, { text, call: undefined }, options)

/** An answer that calls a tool with these arguments, optionally after some text. */
export const toolCallReply = (
  provider: Provider,
  call: { id: string; name: string; args: Record<string, unknown> },
  options: ReplyOptions & { textBefore?: string }
): Reply => build(provider, { text: options.textBefore, call }, options)

const build = (provider: Provider, content: Content, options: ReplyOptions): Reply => {
  const model = options.model ?? FIXED.models[provider]
  switch (provider) {
    case "openai-chat":
      return options.stream ? chatStream(content, model, options.includeUsage ?? true) : jsonReply(provider, chatJson(content, model))
    case "openai-responses":
      return options.stream ? responsesStream(content, model) : jsonReply(provider, responsesJson(content, model, "completed"))
    case "anthropic":
      return options.stream ? anthropicStream(content, model) : jsonReply(provider, anthropicJson(content, model))
    case "gemini":
      return options.stream ? geminiStream(content, model, options.geminiJsonArray ?? false) : jsonReply(provider, geminiJson(content, model))
  }
}

// --- OpenAI Chat Completions ---------------------------------------------------------------------

const CHAT_ID = "chatcmpl-scripted-0001"

const chatUsage = {
  prompt_tokens: USAGE.input,
  completion_tokens: USAGE.output,
  total_tokens: USAGE.input + USAGE.output,
  prompt_tokens_details: { cached_tokens: USAGE.cached, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 }
}

const chatJson = (c: Content, model: string): Json => ({
  id: CHAT_ID,
  object: "chat.completion",
  created: FIXED.created,
  model,
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: c.text ?? null,
        refusal: null,
        annotations: [],
        ...(c.call === undefined
          ? {}
          : { tool_calls: [{ id: c.call.id, type: "function", function: { name: c.call.name, arguments: JSON.stringify(c.call.args) } }] })
      },
      logprobs: null,
      finish_reason: c.call === undefined ? "stop" : "tool_calls"
    }
  ],
  usage: chatUsage,
  service_tier: "default",
  system_fingerprint: "fp_scripted"
})

const chatStream = (c: Content, model: string, includeUsage: boolean): Reply => {
  const chunk = (delta: Json, finish: string | null): string =>
    sse(undefined, {
      id: CHAT_ID,
      object: "chat.completion.chunk",
      created: FIXED.created,
      model,
      service_tier: "default",
      system_fingerprint: "fp_scripted",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {})
    })
  const chunks = [chunk({ role: "assistant", content: c.call !== undefined && c.text === undefined ? null : "", refusal: null }, null)]
  for (const piece of words(c.text ?? "")) chunks.push(chunk({ content: piece }, null))
  if (c.call !== undefined) {
    const first = { index: 0, id: c.call.id, type: "function", function: { name: c.call.name, arguments: "" } }
    chunks.push(chunk({ tool_calls: [first] }, null))
    for (const piece of thirds(JSON.stringify(c.call.args))) chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null))
  }
  chunks.push(chunk({}, c.call === undefined ? "stop" : "tool_calls"))
  if (includeUsage) {
    chunks.push(
      sse(undefined, {
        id: CHAT_ID,
        object: "chat.completion.chunk",
        created: FIXED.created,
        model,
        service_tier: "default",
        system_fingerprint: "fp_scripted",
        choices: [],
        usage: chatUsage
      })
    )
  }
  chunks.push(sse(undefined, "[DONE]"))
  return sseReply("openai-chat", chunks)
}

// --- OpenAI Responses ------------------------------------------------------------------------------

const RESP_ID = "resp_scripted_0001"
const MSG_ITEM_ID = "msg_scripted_0001"
const FC_ITEM_ID = "fc_scripted_0001"

const outputText = (text: string): Json => ({ type: "output_text", text, annotations: [], logprobs: [] })

const messageItem = (text: string, status: "in_progress" | "completed"): Json => ({
  id: MSG_ITEM_ID,
  type: "message",
  status,
  role: "assistant",
  content: status === "completed" ? [outputText(text)] : []
})

const functionCallItem = (call: Call, status: "in_progress" | "completed"): Json => ({
  id: FC_ITEM_ID,
  type: "function_call",
  status,
  arguments: status === "completed" ? JSON.stringify(call.args) : "",
  call_id: call.id,
  name: call.name
})

const responsesJson = (c: Content, model: string, status: "in_progress" | "completed"): Json => {
  const done = status === "completed"
  const output: Array<Json> = []
  if (done && c.text !== undefined) output.push(messageItem(c.text, "completed"))
  if (done && c.call !== undefined) output.push(functionCallItem(c.call, "completed"))
  return {
    id: RESP_ID,
    object: "response",
    created_at: FIXED.created,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: false,
    temperature: 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: done
      ? {
          input_tokens: USAGE.input,
          input_tokens_details: { cached_tokens: USAGE.cached },
          output_tokens: USAGE.output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: USAGE.input + USAGE.output
        }
      : null,
    metadata: {}
  }
}

const responsesStream = (c: Content, model: string): Reply => {
  const chunks: Array<string> = []
  const emit = (type: string, data: Json): void => {
    chunks.push(sse(type, { type, sequence_number: chunks.length, ...data }))
  }
  emit("response.created", { response: responsesJson(c, model, "in_progress") })
  emit("response.in_progress", { response: responsesJson(c, model, "in_progress") })
  let outputIndex = 0
  if (c.text !== undefined) {
    const at = { item_id: MSG_ITEM_ID, output_index: outputIndex }
    emit("response.output_item.added", { output_index: outputIndex, item: messageItem(c.text, "in_progress") })
    emit("response.content_part.added", { ...at, content_index: 0, part: outputText("") })
    for (const delta of words(c.text)) emit("response.output_text.delta", { ...at, content_index: 0, delta, logprobs: [] })
    emit("response.output_text.done", { ...at, content_index: 0, text: c.text, logprobs: [] })
    emit("response.content_part.done", { ...at, content_index: 0, part: outputText(c.text) })
    emit("response.output_item.done", { output_index: outputIndex, item: messageItem(c.text, "completed") })
    outputIndex++
  }
  if (c.call !== undefined) {
    const at = { item_id: FC_ITEM_ID, output_index: outputIndex }
    emit("response.output_item.added", { output_index: outputIndex, item: functionCallItem(c.call, "in_progress") })
    for (const delta of thirds(JSON.stringify(c.call.args))) emit("response.function_call_arguments.delta", { ...at, delta })
    emit("response.function_call_arguments.done", { ...at, name: c.call.name, arguments: JSON.stringify(c.call.args) })
    emit("response.output_item.done", { output_index: outputIndex, item: functionCallItem(c.call, "completed") })
  }
  emit("response.completed", { response: responsesJson(c, model, "completed") })
  return sseReply("openai-responses", chunks)
}

// --- Anthropic Messages --------------------------------------------------------------------------------

const ANTHROPIC_ID = "msg_scripted_0001"

const anthropicUsage = (outputTokens: number): Json => ({
  input_tokens: USAGE.input - USAGE.cached - USAGE.cacheWrite,
  cache_creation_input_tokens: USAGE.cacheWrite,
  cache_read_input_tokens: USAGE.cached,
  output_tokens: outputTokens,
  service_tier: "standard"
})

const anthropicMessage = (content: Array<Json>, model: string, stop: string | null, outputTokens: number): Json => ({
  id: ANTHROPIC_ID,
  type: "message",
  role: "assistant",
  model,
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage: anthropicUsage(outputTokens)
})

const anthropicJson = (c: Content, model: string): Json => {
  const content: Array<Json> = []
  if (c.text !== undefined) content.push({ type: "text", text: c.text })
  if (c.call !== undefined) content.push({ type: "tool_use", id: c.call.id, name: c.call.name, input: c.call.args })
  return anthropicMessage(content, model, c.call === undefined ? "end_turn" : "tool_use", USAGE.output)
}

const anthropicStream = (c: Content, model: string): Reply => {
  const chunks: Array<string> = []
  const emit = (type: string, data: Json): void => {
    chunks.push(sse(type, { type, ...data }))
  }
  emit("message_start", { message: anthropicMessage([], model, null, 1) })
  let index = 0
  if (c.text !== undefined) {
    emit("content_block_start", { index, content_block: { type: "text", text: "" } })
    if (index === 0) emit("ping", {})
    for (const text of words(c.text)) emit("content_block_delta", { index, delta: { type: "text_delta", text } })
    emit("content_block_stop", { index })
    index++
  }
  if (c.call !== undefined) {
    emit("content_block_start", { index, content_block: { type: "tool_use", id: c.call.id, name: c.call.name, input: {} } })
    if (index === 0) emit("ping", {})
    for (const partial_json of ["", ...thirds(JSON.stringify(c.call.args))]) {
      emit("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } })
    }
    emit("content_block_stop", { index })
  }
  // message_delta's usage: whole-message totals, as the API now sends them (without service_tier).
  const usage = {
    input_tokens: USAGE.input - USAGE.cached - USAGE.cacheWrite,
    cache_creation_input_tokens: USAGE.cacheWrite,
    cache_read_input_tokens: USAGE.cached,
    output_tokens: USAGE.output
  }
  emit("message_delta", { delta: { stop_reason: c.call === undefined ? "end_turn" : "tool_use", stop_sequence: null }, usage })
  emit("message_stop", {})
  return sseReply("anthropic", chunks)
}

// --- Gemini generateContent ----------------------------------------------------------------------------

const GEMINI_ID = "scripted-0001"

const geminiUsage = (done: boolean): Json => ({
  promptTokenCount: USAGE.input,
  ...(done ? { candidatesTokenCount: USAGE.output } : {}),
  totalTokenCount: USAGE.input + (done ? USAGE.output : 0),
  cachedContentTokenCount: USAGE.cached,
  promptTokensDetails: [{ modality: "TEXT", tokenCount: USAGE.input }],
  cacheTokensDetails: [{ modality: "TEXT", tokenCount: USAGE.cached }]
})

const geminiChunk = (parts: Array<Json>, model: string, done: boolean): Json => ({
  candidates: [{ content: { parts, role: "model" }, ...(done ? { finishReason: "STOP" } : {}), index: 0 }],
  usageMetadata: geminiUsage(done),
  modelVersion: model,
  responseId: GEMINI_ID
})

const geminiCallPart = (call: Call): Json => ({ functionCall: { id: call.id, name: call.name, args: call.args } })

const geminiJson = (c: Content, model: string): Json => {
  const parts: Array<Json> = []
  if (c.text !== undefined) parts.push({ text: c.text })
  if (c.call !== undefined) parts.push(geminiCallPart(c.call))
  return geminiChunk(parts, model, true)
}

const geminiStream = (c: Content, model: string, jsonArray: boolean): Reply => {
  const bodies: Array<Json> = []
  const pieces = words(c.text ?? "")
  pieces.forEach((text, i) => bodies.push(geminiChunk([{ text }], model, c.call === undefined && i === pieces.length - 1)))
  if (c.call !== undefined) bodies.push(geminiChunk([geminiCallPart(c.call)], model, true))
  if (bodies.length === 0) bodies.push(geminiChunk([{ text: "" }], model, true))
  if (jsonArray) {
    const chunks = bodies.map((b, i) => `${i === 0 ? "[" : ",\r\n"}${JSON.stringify(b)}`)
    chunks.push("]")
    return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, chunks }
  }
  return sseReply(
    "gemini",
    bodies.map((b) => sse(undefined, b, "\r\n"))
  )
}

// --- Errors and listings -------------------------------------------------------------------------------

const OPENAI_ERRORS: Record<number, [type: string, code: string | null]> = {
  400: ["invalid_request_error", null],
  401: ["invalid_request_error", "invalid_api_key"],
  403: ["invalid_request_error", "unsupported_country_region_territory"],
  404: ["invalid_request_error", "model_not_found"],
  429: ["requests", "rate_limit_exceeded"],
  500: ["server_error", null],
  503: ["server_error", null]
}
const ANTHROPIC_ERRORS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error"
}
const GEMINI_ERRORS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED"
}

/** An error reply as the provider sends it, e.g. `errorReply("anthropic", 429, { "retry-after": "7" })`. */
export const errorReply = (provider: Provider, status: number, headers: Record<string, string> = {}): Reply => {
  const message = `Scripted error ${status}.`
  switch (provider) {
    case "openai-chat":
    case "openai-responses": {
      const [type, code] = OPENAI_ERRORS[status] ?? (status >= 500 ? ["server_error", null] : ["invalid_request_error", null])
      return jsonReply(provider, { error: { message, type, param: null, code } }, status, headers)
    }
    case "anthropic": {
      const type = ANTHROPIC_ERRORS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error")
      return jsonReply(provider, { type: "error", error: { type, message }, request_id: "req_scripted_0001" }, status, headers)
    }
    case "gemini": {
      const name = GEMINI_ERRORS[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION")
      return jsonReply(provider, { error: { code: status, message, status: name } }, status, {
        "content-type": "application/json; charset=UTF-8",
        ...headers
      })
    }
  }
}

const MODEL_IDS = [FIXED.models["openai-chat"], FIXED.models.anthropic, FIXED.models.gemini]

const modelsReply = (anthropic: boolean): Reply =>
  anthropic
    ? jsonReply("anthropic", {
        data: MODEL_IDS.map((id) => ({ type: "model", id, display_name: id, created_at: "2023-11-14T22:13:20Z" })),
        has_more: false,
        first_id: MODEL_IDS[0],
        last_id: MODEL_IDS[MODEL_IDS.length - 1]
      })
    : jsonReply("openai-chat", {
        object: "list",
        data: MODEL_IDS.map((id) => ({ id, object: "model", created: FIXED.created, owned_by: "scripted" }))
      })

const geminiModelsReply = (): Reply =>
  jsonReply("gemini", {
    models: MODEL_IDS.map((id) => ({
      name: `models/${id}`,
      displayName: id,
      supportedGenerationMethods: ["generateContent", "countTokens"]
    }))
  })

const notFoundReply = (req: Received): Reply =>
  jsonReply("openai-chat", { error: { message: `No route for ${req.method} ${req.path}`, type: "not_found", code: 404 } }, 404)

// ---------------------------------------------------------------------------------------------
// The server

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const parts: Array<Buffer> = []
    req.on("data", (d: Buffer) => parts.push(d))
    req.on("end", () => resolve(Buffer.concat(parts)))
    req.on("error", reject)
  })

const parseJson = (body: Buffer): unknown | undefined => {
  if (body.length === 0) return undefined
  try {
    return JSON.parse(body.toString("utf8")) as unknown
  } catch {
    return undefined
  }
}

const send = async (res: ServerResponse, reply: Reply): Promise<void> => {
  if (reply.hang === true) return
  res.sendDate = false
  res.statusCode = reply.status ?? 200
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value)
  // One chunk and nothing special: `end` sends it with a Content-Length; otherwise chunked.
  if (reply.chunks.length === 1 && reply.reset !== true) {
    res.end(reply.chunks[0])
    return
  }
  res.flushHeaders()
  for (const [i, chunk] of reply.chunks.entries()) {
    if (i > 0 && (reply.delayMs ?? 0) > 0) await sleep(reply.delayMs ?? 0)
    if (res.destroyed) return
    // Each chunk is handed to the socket before the next: the stream goes out as scripted.
    await new Promise<void>((resolve) => res.write(chunk, () => resolve()))
  }
  if (reply.reset === true) res.socket?.destroy() // no terminating chunk: the body is cut short
  else res.end()
}

/** Starts a scripted upstream on 127.0.0.1 on a free port. */
export const startUpstream = (): Promise<Upstream> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<Socket>()
    const server = createServer((req, res) => {
      res.on("error", () => undefined)
      readBody(req)
        .then((body) => {
          const received: Received = {
            method: req.method ?? "GET",
            path: req.url ?? "/",
            headers: req.headers,
            body,
            json: parseJson(body)
          }
          upstream.received.push(received)
          let reply: Reply
          try {
            reply = upstream.handler(received)
          } catch (e) {
            reply = jsonReply("openai-chat", { error: { message: `scripted handler threw: ${String(e)}`, type: "server_error" } }, 500)
          }
          return send(res, reply)
        })
        .catch(() => res.destroy())
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    const upstream: Upstream = {
      url: "",
      received: [],
      handler: answer,
      close: () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => done())
        })
    }
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      resolve(upstream)
    })
  })

/** An Anthropic request whose tool result (1,000 log items as JSON, from a shell call) the proxy shrinks a lot. */
export const bigToolResultRequest = (stream = false) => ({
  model: "claude-sonnet-4-6",
  max_tokens: 64,
  stream,
  tools: [{ name: "Bash", input_schema: { type: "object" } }],
  messages: [
    { role: "user", content: "what failed?" },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "curl -s https://api.example.com/logs" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: logItemsJson(1000) }] }
  ]
})
