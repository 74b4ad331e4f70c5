/**
 * Anthropic Messages: `system` (a string or text blocks), `messages` of `{role, content}` where
 * content is a string or blocks — `text`, `tool_use`, `tool_result` (its content a string or text
 * and image blocks), and what the pipeline never touches: `thinking`, `redacted_thinking`, images,
 * documents, server tools, anything newer. Claude Code also puts `{"role":"system"}` entries
 * inside `messages`; they are texts of the client, like the system prompt.
 *
 * @since 0.2.0
 */
import { type Block, isObject, type Path, type Role, textOf } from "./conversation.ts"

const roleOf = (role: unknown): Role => role === "assistant" ? "assistant" : role === "system" ? "system" : "user"

const toolResultBlocks = (block: Record<string, any>, path: Path, out: Array<Block>) => {
  const callId = typeof block.tool_use_id === "string" ? block.tool_use_id : undefined
  const content = block.content
  if (typeof content === "string") return void out.push({ kind: "tool-result", callId, name: undefined, text: content, path: [...path, "content"] })
  if (!Array.isArray(content)) return void out.push({ kind: "other", path, type: "tool_result" })
  content.forEach((part, k) => {
    if (isObject(part) && part.type === "text" && typeof part.text === "string") {
      out.push({ kind: "tool-result", callId, name: undefined, text: part.text, path: [...path, "content", k, "text"] })
    } else out.push({ kind: "other", path: [...path, "content", k], type: isObject(part) ? textOf(part.type) : typeof part })
  })
}

const contentBlocks = (role: Role, content: unknown, path: Path, out: Array<Block>) => {
  if (typeof content === "string") return void out.push({ kind: "text", role, text: content, path })
  if (!Array.isArray(content)) return
  content.forEach((block, j) => {
    const at = [...path, j]
    if (!isObject(block)) return void out.push({ kind: "other", path: at, type: typeof block })
    if (block.type === "text" && typeof block.text === "string") out.push({ kind: "text", role, text: block.text, path: [...at, "text"] })
    else if (block.type === "tool_use") out.push({ kind: "tool-call", id: block.id, name: textOf(block.name), args: block.input, path: at })
    else if (block.type === "tool_result") toolResultBlocks(block, at, out)
    else out.push({ kind: "other", path: at, type: textOf(block.type) })
  })
}

/** The blocks of an Anthropic Messages request body, in order. */
export const read = (body: Record<string, any>): Array<Block> => {
  const out: Array<Block> = []
  contentBlocks("system", body.system, ["system"], out)
  const messages: Array<unknown> = Array.isArray(body.messages) ? body.messages : []
  messages.forEach((message, i) => {
    if (isObject(message)) contentBlocks(roleOf(message.role), message.content, ["messages", i, "content"], out)
  })
  return out
}

/** Whether a body is an Anthropic Messages request (rather than OpenAI's, which shares `messages`). */
export const looksLike = (body: Record<string, any>): boolean => {
  if (!Array.isArray(body.messages)) return false
  if (body.system !== undefined || body.anthropic_version !== undefined) return true
  return body.messages.some((m: any) =>
    isObject(m) && Array.isArray(m.content) &&
    m.content.some((b: any) => isObject(b) && ["tool_use", "tool_result", "thinking", "redacted_thinking"].includes(b.type))
  )
}
