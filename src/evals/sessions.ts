/**
 * Real agent sessions as the requests their agent sent, turn by turn: each model call's request
 * body, rebuilt from the transcript in the agent's own wire format (Claude Code → Anthropic
 * Messages, Codex → OpenAI Responses, Gemini CLI → Gemini generateContent), and the edits the
 * model made in its answer (an `Edit`'s old text, a patch's removed and context lines), so a
 * replay can tell whether the model could see what it edited.
 *
 * The transcripts hold the conversation, not the system prompt or tool list: the bodies hold the
 * messages.
 */
import { readFileSync } from "node:fs"
import { join, relative } from "node:path"
import type { Provider } from "../providers/conversation.ts"
import { filesUnder, jsonLines } from "./transcripts.ts"

export interface Edit {
  readonly tool: string
  /** The text the edit expects to find in the file, line by line as it must appear. */
  readonly old: string
}

export interface Turn {
  /** The request body of this model call. */
  readonly body: Record<string, unknown>
  /** Edits the model made in its answer to this request. */
  readonly edits: ReadonlyArray<Edit>
}

export interface Session {
  readonly agent: "claude-code" | "codex" | "gemini-cli"
  readonly file: string
  readonly provider: Provider
  readonly turns: ReadonlyArray<Turn>
}

/** The old text of an edit call, when it has one. */
const editOf = (name: string, args: any): Edit | undefined => {
  if (args === null || typeof args !== "object") return undefined
  if ((name === "Edit" || name === "replace") && typeof args.old_string === "string" && args.old_string !== "") return { tool: name, old: args.old_string }
  if (name === "MultiEdit" && Array.isArray(args.edits)) {
    const olds = args.edits.map((e: any) => e?.old_string).filter((s: unknown) => typeof s === "string" && s !== "")
    return olds.length > 0 ? { tool: name, old: olds.join("\n") } : undefined
  }
  return undefined
}

/** The lines a patch (`*** Begin Patch`, apply_patch) expects to find: its context and removed lines. */
const patchOld = (patch: string): string | undefined => {
  const lines = patch.split("\n").filter((l) => (l.startsWith(" ") || l.startsWith("-")) && !l.startsWith("---")).map((l) => l.slice(1))
  return lines.length > 0 ? lines.join("\n") : undefined
}

const claudeCode = (corpus: string, path: string): Session => {
  let messages: Array<{ role: string; content: unknown }> = []
  const turns: Array<{ body: Record<string, unknown>; edits: Array<Edit> }> = []
  let lastId: string | undefined
  const asArray = (content: unknown): Array<unknown> => typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : []
  for (const record of jsonLines(path)) {
    if (record?.type === "system" && record.subtype === "compact_boundary") {
      messages = [] // the conversation continues from the summary that follows
      lastId = undefined
      continue
    }
    const message = record?.message
    if ((record?.type !== "user" && record?.type !== "assistant") || typeof message !== "object" || message === null) continue
    const content = message.content
    if (record.type === "assistant") {
      if (message.id !== lastId) {
        turns.push({ body: { model: message.model, messages }, edits: [] })
        lastId = message.id
        messages = [...messages, { role: "assistant", content: asArray(content) }]
      } else {
        const last = messages[messages.length - 1]!
        messages = [...messages.slice(0, -1), { role: "assistant", content: [...asArray(last.content), ...asArray(content)] }]
      }
      for (const block of asArray(content) as Array<any>) {
        const edit = block?.type === "tool_use" ? editOf(block.name, block.input) : undefined
        if (edit) turns[turns.length - 1]!.edits.push(edit)
      }
      continue
    }
    const last = messages[messages.length - 1]
    // Consecutive user records (the results of parallel tool calls) are one message.
    if (last?.role === "user" && Array.isArray(content) && Array.isArray(last.content)) {
      messages = [...messages.slice(0, -1), { role: "user", content: [...last.content, ...content] }]
    } else messages = [...messages, { role: "user", content }]
  }
  return { agent: "claude-code", file: relative(corpus, path), provider: "anthropic", turns }
}

const MODEL_ITEMS = new Set(["reasoning", "function_call", "custom_tool_call", "web_search_call", "local_shell_call"])

const codex = (corpus: string, path: string): Session => {
  let input: Array<any> = []
  const turns: Array<{ body: Record<string, unknown>; edits: Array<Edit> }> = []
  let answering = false
  for (const record of jsonLines(path)) {
    if (record?.type !== "response_item" || typeof record.payload !== "object") continue
    const item = record.payload
    const fromModel = MODEL_ITEMS.has(item.type) || (item.type === "message" && item.role === "assistant")
    if (fromModel && !answering) turns.push({ body: { input }, edits: [] })
    answering = fromModel
    if (fromModel && item.type === "custom_tool_call" && item.name === "apply_patch" && typeof item.input === "string") {
      const old = patchOld(item.input)
      if (old) turns[turns.length - 1]!.edits.push({ tool: "apply_patch", old })
    }
    input = [...input, item]
  }
  return { agent: "codex", file: relative(corpus, path), provider: "openai-responses", turns }
}

const geminiCli = (corpus: string, path: string): Session => {
  const session = JSON.parse(readFileSync(path, "utf8"))
  let contents: Array<any> = []
  const turns: Array<{ body: Record<string, unknown>; edits: Array<Edit> }> = []
  for (const message of session?.messages ?? []) {
    if (message?.type === "user") {
      contents = [...contents, { role: "user", parts: [{ text: String(message.content ?? "") }] }]
      continue
    }
    if (message?.type !== "gemini") continue
    const calls: Array<any> = message.toolCalls ?? []
    const edits = calls.map((c) => editOf(c.name, c.args)).filter((e): e is Edit => e !== undefined)
    turns.push({ body: { contents }, edits })
    const parts = [
      ...(message.content ? [{ text: String(message.content) }] : []),
      ...calls.map((c) => ({ functionCall: { id: c.id, name: c.name, args: c.args } }))
    ]
    if (parts.length > 0) contents = [...contents, { role: "model", parts }]
    const responses = calls.flatMap((c) => (c.result ?? []).map((r: any) => r.functionResponse).filter(Boolean))
    if (responses.length > 0) contents = [...contents, { role: "user", parts: responses.map((functionResponse: any) => ({ functionResponse })) }]
  }
  return { agent: "gemini-cli", file: relative(corpus, path), provider: "gemini", turns }
}

/** Every session of the corpus's transcripts (subagents' own logs included), in file order. */
export const sessions = (corpus: string): Array<Session> => {
  const dir = join(corpus, "transcripts")
  return [
    ...filesUnder(join(dir, "claude-code"), ".jsonl").map((p) => claudeCode(corpus, p)),
    ...filesUnder(join(dir, "codex"), ".jsonl").map((p) => codex(corpus, p)),
    ...filesUnder(join(dir, "gemini-cli"), ".json").map((p) => geminiCli(corpus, p))
  ].filter((s) => s.turns.length > 0)
}
