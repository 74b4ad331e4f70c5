/**
 * OpenAI Responses: `instructions`, and `input` — a string, or items: messages (`{role, content}`
 * with `input_text`/`output_text` parts), `function_call` and `function_call_output`,
 * `custom_tool_call` and `custom_tool_call_output` (output a string or `input_text` parts, as Codex
 * sends them), and items the pipeline never touches: `reasoning` (encrypted), Codex's
 * `additional_tools`, web searches, anything newer.
 *
 * @since 0.2.0
 */
import { type Block, isObject, type Path, type Role, textOf } from "./conversation.ts"

const roleOf = (role: unknown): Role =>
  role === "assistant" ? "assistant" : role === "system" ? "system" : role === "developer" ? "developer" : "user"

const TEXT_PARTS = new Set(["input_text", "output_text", "text"])

const texts = (content: unknown, path: Path, make: (text: string, path: Path) => Block, out: Array<Block>) => {
  if (typeof content === "string") return void out.push(make(content, path))
  if (!Array.isArray(content)) return
  content.forEach((part, k) => {
    if (isObject(part) && TEXT_PARTS.has(part.type) && typeof part.text === "string") out.push(make(part.text, [...path, k, "text"]))
    else out.push({ kind: "other", path: [...path, k], type: isObject(part) ? textOf(part.type) : typeof part })
  })
}

export const read = (body: Record<string, any>): Array<Block> => {
  const out: Array<Block> = []
  if (typeof body.instructions === "string") out.push({ kind: "text", role: "system", text: body.instructions, path: ["instructions"] })
  if (typeof body.input === "string") out.push({ kind: "text", role: "user", text: body.input, path: ["input"] })
  const items: Array<unknown> = Array.isArray(body.input) ? body.input : []
  items.forEach((item, i) => {
    const path = ["input", i]
    if (!isObject(item)) return void out.push({ kind: "other", path, type: typeof item })
    const type = item.type ?? "message"
    if (type === "message") {
      const role = roleOf(item.role)
      return texts(item.content, [...path, "content"], (text, at) => ({ kind: "text", role, text, path: at }), out)
    }
    if (type === "function_call" || type === "custom_tool_call") {
      return void out.push({ kind: "tool-call", id: item.call_id, name: textOf(item.name), args: type === "function_call" ? item.arguments : item.input, path })
    }
    if (type === "function_call_output" || type === "custom_tool_call_output") {
      const callId = typeof item.call_id === "string" ? item.call_id : undefined
      return texts(item.output, [...path, "output"], (text, at) => ({ kind: "tool-result", callId, name: undefined, text, path: at }), out)
    }
    out.push({ kind: "other", path, type: textOf(type) })
  })
  return out
}
