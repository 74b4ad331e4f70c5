/**
 * Tool results from real agent transcripts (Claude Code `~/.claude/projects` JSONL, Codex
 * `~/.codex/sessions` rollouts, Gemini CLI saved sessions), each with the call that produced it:
 * the tool's name and arguments. Tests and evals run the stages over them, as the agents sent them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"

export type Agent = "claude-code" | "codex" | "gemini-cli"

export interface ToolResult {
  readonly agent: Agent
  /** The transcript, relative to the corpus directory. */
  readonly file: string
  readonly tool: string
  readonly args: unknown
  /** The result's text as the model saw it (text parts joined by newlines). */
  readonly text: string
}

export const filesUnder = (dir: string, suffix: string): Array<string> => {
  if (!existsSync(dir)) return []
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path, suffix) : path.endsWith(suffix) ? [path] : []
  })
}

export const jsonLines = (path: string): Array<any> =>
  readFileSync(path, "utf8").split("\n").flatMap((line) => {
    try {
      return line.trim() === "" ? [] : [JSON.parse(line)]
    } catch {
      return []
    }
  })

/** A tool result's content: a string, or text parts (images and other parts are not text). */
const textOf = (content: unknown): string | undefined => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return undefined
  const texts = content.flatMap((part) => part && typeof part.text === "string" ? [part.text as string] : [])
  return texts.length > 0 ? texts.join("\n") : undefined
}

const claudeCode = (corpus: string, path: string): Array<ToolResult> => {
  const calls = new Map<string, { tool: string; args: unknown }>()
  const out: Array<ToolResult> = []
  for (const record of jsonLines(path)) {
    const content = record?.message?.content
    if (!Array.isArray(content)) continue
    for (const block of content) {
      if (block?.type === "tool_use") calls.set(block.id, { tool: block.name, args: block.input })
      if (block?.type === "tool_result") {
        const text = textOf(block.content)
        const call = calls.get(block.tool_use_id)
        if (text !== undefined) out.push({ agent: "claude-code", file: relative(corpus, path), tool: call?.tool ?? "?", args: call?.args, text })
      }
    }
  }
  return out
}

const parseArgs = (raw: unknown): unknown => {
  if (typeof raw !== "string") return raw
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

const codex = (corpus: string, path: string): Array<ToolResult> => {
  const calls = new Map<string, { tool: string; args: unknown }>()
  const out: Array<ToolResult> = []
  for (const record of jsonLines(path)) {
    const item = record?.type === "response_item" ? record.payload : undefined
    if (item?.type === "function_call") calls.set(item.call_id, { tool: item.name, args: parseArgs(item.arguments) })
    if (item?.type === "custom_tool_call") calls.set(item.call_id, { tool: item.name, args: item.input })
    if (item?.type === "function_call_output" || item?.type === "custom_tool_call_output") {
      const text = textOf(item.output)
      const call = calls.get(item.call_id)
      if (text !== undefined) out.push({ agent: "codex", file: relative(corpus, path), tool: call?.tool ?? "?", args: call?.args, text })
    }
  }
  return out
}

const geminiCli = (corpus: string, path: string): Array<ToolResult> => {
  const session = JSON.parse(readFileSync(path, "utf8"))
  const out: Array<ToolResult> = []
  for (const message of session?.messages ?? []) {
    for (const call of message?.toolCalls ?? []) {
      for (const part of call?.result ?? []) {
        const response = part?.functionResponse?.response
        const text = typeof response?.output === "string" ? response.output : textOf(response?.content)
        if (text !== undefined) out.push({ agent: "gemini-cli", file: relative(corpus, path), tool: call.name, args: call.args, text })
      }
    }
  }
  return out
}

/** Every tool result of every transcript under `corpus/transcripts`, in file order. */
export const toolResults = (corpus: string): Array<ToolResult> => {
  const dir = join(corpus, "transcripts")
  return [
    ...filesUnder(join(dir, "claude-code"), ".jsonl").flatMap((p) => claudeCode(corpus, p)),
    ...filesUnder(join(dir, "codex"), ".jsonl").flatMap((p) => codex(corpus, p)),
    ...filesUnder(join(dir, "gemini-cli"), ".json").flatMap((p) => geminiCli(corpus, p))
  ]
}
