/**
 * Generated agent conversations, rendered in each of the four wire formats the way the real agents
 * send them: Claude Code's Anthropic requests (thinking with signatures, a `{"role":"system"}`
 * entry among the messages, `cache_control` on the newest result, `context_management`), Codex's
 * Responses items (encrypted reasoning, `additional_tools`, chunk headers, `input_text` parts),
 * Gemini CLI's contents (`thoughtSignature`, `<untrusted_context>` output) and Copilot CLI's Chat
 * messages (`role: "tool"`). Tool results are slices of the corpus (source read by line, logs,
 * JSON) or arbitrary strings; unknown fields are sprinkled everywhere, since they must pass
 * through untouched.
 */
import fc from "fast-check"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { Provider } from "../src/providers/conversation.ts"
import { CORPUS } from "./helpers.ts"

const corpusFile = (path: string) => ({ path, lines: readFileSync(join(CORPUS, path), "utf8").split("\n") })

const SOURCES = [
  corpusFile("code/go/gin/context.go"),
  corpusFile("code/python/requests/models.py"),
  corpusFile("code/typescript/got/index.ts"),
  corpusFile("code/rust/json/de.rs"),
  corpusFile("code/javascript/express/response.js")
]
const LOGS = [corpusFile("logs/HDFS_2k.log"), corpusFile("logs/Apache_2k.log")]
const JSONS = [corpusFile("json/github-issues-page.json"), corpusFile("json/npm-view-react.json")]

/** What a tool did, and what it gave back. */
export interface ToolCall {
  readonly id: string
  /** Read a file (by path and offset), run a command, or something the pipeline has no rule for. */
  readonly action: "read" | "shell" | "other"
  readonly path: string
  readonly offset: number
  /** The file's lines from `offset` (1-based), or a command's output. */
  readonly output: string
  readonly command: string
}

export interface Exchange {
  readonly user: string | undefined
  readonly thinking: string | undefined
  readonly said: string | undefined
  readonly calls: ReadonlyArray<ToolCall>
  /** An unknown field put on the messages of this exchange, when set. */
  readonly extra: Record<string, unknown> | undefined
}

const slice = (lines: ReadonlyArray<string>, from: number, count: number) => lines.slice(from, from + count).join("\n")

const read = fc.record({
  source: fc.constantFrom(...SOURCES),
  from: fc.nat({ max: 600 }),
  count: fc.integer({ min: 1, max: 400 })
}).map(({ source, from, count }) => ({
  action: "read" as const,
  path: `/repo/${source.path}`,
  offset: Math.min(from, source.lines.length - 1) + 1,
  output: slice(source.lines, Math.min(from, source.lines.length - 1), count),
  command: ""
}))

const shell = fc.oneof(
  fc.record({ log: fc.constantFrom(...LOGS), from: fc.nat({ max: 1500 }), count: fc.integer({ min: 1, max: 300 }) }).map(({ log, from, count }) => ({
    command: "npm test 2>&1",
    output: slice(log.lines, from, count)
  })),
  fc.record({ json: fc.constantFrom(...JSONS), from: fc.nat({ max: 200 }), count: fc.integer({ min: 1, max: 400 }) }).map(({ json, from, count }) => ({
    command: `curl -s https://api.example.com/${from}`,
    output: from % 3 === 0 ? json.lines.join("\n") : slice(json.lines, from, count)
  })),
  fc.record({ source: fc.constantFrom(...SOURCES), from: fc.nat({ max: 600 }), count: fc.integer({ min: 1, max: 300 }) }).map(({ source, from, count }) => ({
    command: `sed -n '${from + 1},${from + count}p' ${source.path}`,
    output: slice(source.lines, from, count)
  })),
  fc.record({ command: fc.string({ maxLength: 40 }), output: fc.string({ unit: "binary", maxLength: 4000 }) })
).map(({ command, output }) => ({ action: "shell" as const, path: "", offset: 1, output, command }))

const other = fc.string({ unit: "grapheme", maxLength: 3000 }).map((output) => ({ action: "other" as const, path: "", offset: 1, output, command: "" }))

// Fields a client adds, as JSON carries them: fast-check's JSON values include -0, which travels as 0.
const extra = fc.option(
  fc.dictionary(fc.constantFrom("x_client", "metadata", "annotations", "priority"), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 })
    .map((fields): Record<string, unknown> => JSON.parse(JSON.stringify(fields))),
  { nil: undefined }
)

const exchange = fc.record({
  user: fc.option(fc.oneof(fc.lorem({ maxCount: 30 }), fc.constant("Fix `parseRequest` in context.go and `Response.json`")), { nil: undefined }),
  thinking: fc.option(fc.lorem({ maxCount: 20 }), { nil: undefined }),
  said: fc.option(fc.lorem({ maxCount: 20 }), { nil: undefined }),
  calls: fc.array(fc.oneof({ weight: 3, arbitrary: read }, { weight: 3, arbitrary: shell }, { weight: 1, arbitrary: other }), { minLength: 0, maxLength: 3 }),
  extra
})

/** A conversation: exchanges, each a person's message (maybe), the model's reply and its tool calls with their results. */
export const conversation = fc.array(exchange, { minLength: 1, maxLength: 6 }).map((exchanges) => {
  let n = 0
  return exchanges.map((e) => ({ ...e, calls: e.calls.map((c) => ({ ...c, id: `call_${n++}` })) })) as Array<Exchange>
})

const numbered = (text: string, from: number) => text.split("\n").map((line, i) => `${String(from + i).padStart(6)}→${line}`).join("\n")

/** The messages of an exchange in one wire format. */
const renderers: Record<Provider, (e: Exchange) => Array<Record<string, unknown>>> = {
  "anthropic": (e) => {
    const out: Array<Record<string, unknown>> = []
    if (e.user !== undefined) out.push({ role: "user", content: e.user, ...e.extra })
    const content: Array<Record<string, unknown>> = []
    if (e.thinking !== undefined) content.push({ type: "thinking", thinking: e.thinking, signature: "EqQBCkYIBxgCKkD" + e.thinking.length })
    if (e.said !== undefined) content.push({ type: "text", text: e.said })
    for (const c of e.calls) {
      const input = c.action === "read" ? { file_path: c.path, offset: c.offset, limit: 2000 } : c.action === "shell" ? { command: c.command, description: "run" } : { query: c.output.slice(0, 10) }
      content.push({ type: "tool_use", id: c.id, name: c.action === "read" ? "Read" : c.action === "shell" ? "Bash" : "WebSearch", input })
    }
    if (content.length > 0) out.push({ role: "assistant", content })
    if (e.calls.length > 0) {
      out.push({
        role: "user",
        content: e.calls.map((c, i) => ({
          type: "tool_result",
          tool_use_id: c.id,
          content: c.action === "read" ? numbered(c.output, c.offset) : i % 2 === 0 ? c.output : [{ type: "text", text: c.output }, { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }],
          // Claude Code marks its newest result; here it stays where it was put, so turns extend each other.
          ...(i === 0 ? { cache_control: { type: "ephemeral" } } : {}),
          ...e.extra
        }))
      })
      out.push({ role: "system", content: "<system-reminder>Files changed.</system-reminder>" })
    }
    return out
  },
  "openai-chat": (e) => {
    const out: Array<Record<string, unknown>> = []
    if (e.user !== undefined) out.push({ role: "user", content: [{ type: "text", text: e.user }], ...e.extra })
    if (e.said !== undefined || e.calls.length > 0) {
      out.push({
        role: "assistant",
        content: e.said ?? null,
        ...(e.thinking !== undefined ? { reasoning_text: e.thinking, reasoning_opaque: "opaque" } : {}),
        ...(e.calls.length > 0 ? {
          tool_calls: e.calls.map((c) => ({
            id: c.id,
            type: "function",
            function: { name: c.action === "read" ? "view" : c.action === "shell" ? "bash" : "web_fetch", arguments: JSON.stringify(c.action === "read" ? { path: c.path, view_range: [c.offset, -1] } : { command: c.command, sessionId: "main" }) }
          }))
        } : {})
      })
    }
    for (const c of e.calls) out.push({ role: "tool", tool_call_id: c.id, content: c.action === "shell" ? `${c.output}\n<exited with exit code 0>` : c.output, ...e.extra })
    return out
  },
  "openai-responses": (e) => {
    const out: Array<Record<string, unknown>> = []
    if (e.user !== undefined) out.push({ type: "message", role: "user", content: [{ type: "input_text", text: e.user }], ...e.extra })
    if (e.thinking !== undefined) out.push({ type: "reasoning", summary: [], content: null, encrypted_content: "gAAAAB" + e.thinking.length })
    if (e.said !== undefined) out.push({ type: "message", role: "assistant", content: [{ type: "output_text", text: e.said }] })
    e.calls.forEach((c, i) => {
      const cmd = c.action === "read" ? `sed -n '${c.offset},${c.offset + 400}p' ${c.path}` : c.command
      out.push({ type: "function_call", name: c.action === "other" ? "view_image" : "exec_command", arguments: JSON.stringify({ cmd, yield_time_ms: 1000 }), call_id: c.id })
      const text = c.action === "other" ? c.output : `Chunk ID: 4b1778\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 2029\nOutput:\n${c.output}`
      out.push({ type: "function_call_output", call_id: c.id, output: i % 2 === 0 ? text : [{ type: "input_text", text }], ...e.extra })
    })
    return out
  },
  "gemini": (e) => {
    const out: Array<Record<string, unknown>> = []
    if (e.user !== undefined) out.push({ role: "user", parts: [{ text: e.user }], ...e.extra })
    const parts: Array<Record<string, unknown>> = []
    if (e.thinking !== undefined) parts.push({ text: e.thinking, thought: true })
    if (e.said !== undefined) parts.push({ text: e.said, thoughtSignature: "CiQBVKhc" })
    for (const c of e.calls) {
      const args = c.action === "read" ? { file_path: c.path, offset: c.offset - 1, limit: 2000 } : { command: c.command }
      parts.push({ functionCall: { id: c.id, name: c.action === "read" ? "read_file" : c.action === "shell" ? "run_shell_command" : "web_fetch", args } })
    }
    if (parts.length > 0) out.push({ role: "model", parts })
    if (e.calls.length > 0) {
      out.push({
        role: "user",
        parts: e.calls.map((c) => ({
          functionResponse: {
            id: c.id,
            name: c.action === "read" ? "read_file" : c.action === "shell" ? "run_shell_command" : "web_fetch",
            response: { output: c.action === "shell" ? `<untrusted_context>\nOutput: ${c.output}\nExit Code: 0\n</untrusted_context>` : c.output }
          }
        }))
      })
    }
    return out
  }
}

/** A whole request body for a conversation, with the fields each agent sends beside the messages. */
export const requestOf = (provider: Provider, exchanges: ReadonlyArray<Exchange>): Record<string, unknown> => {
  const messages = exchanges.flatMap((e) => renderers[provider](e))
  switch (provider) {
    case "anthropic":
      return {
        model: "claude-sonnet-4-5",
        system: [{ type: "text", text: "You are Claude Code.", cache_control: { type: "ephemeral" } }],
        tools: [{ name: "Read", input_schema: { type: "object" } }, { name: "Bash", input_schema: { type: "object" } }],
        messages,
        context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
        output_config: { effort: "high" },
        max_tokens: 32000,
        stream: true
      }
    case "openai-chat":
      return { model: "gpt-5", messages: [{ role: "system", content: "You are Copilot." }, ...messages], tools: [{ type: "function", function: { name: "bash" } }], stream: true }
    case "openai-responses":
      return {
        model: "gpt-5-codex",
        instructions: "You are Codex.",
        input: [{ type: "additional_tools", role: "developer", tools: [{ name: "exec_command" }] }, ...messages],
        tools: [{ type: "function", name: "exec_command" }],
        prompt_cache_key: "019e1625",
        store: false
      }
    case "gemini":
      return {
        contents: messages,
        systemInstruction: { parts: [{ text: "You are Gemini CLI." }] },
        tools: [{ functionDeclarations: [{ name: "read_file" }, { name: "run_shell_command" }] }],
        generationConfig: { temperature: 0 }
      }
  }
}

/** The requests an agent sends as the conversation grows: one after each exchange's results come back. */
export const turnsOf = (provider: Provider, exchanges: ReadonlyArray<Exchange>): Array<Record<string, unknown>> =>
  exchanges.map((_, i) => requestOf(provider, exchanges.slice(0, i + 1)))
