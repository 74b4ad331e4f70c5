/**
 * OpenAI Chat Completions: `messages` of `{role, content}` — `system`, `developer`, `user`,
 * `assistant` (with `tool_calls`), `tool` (a result, by `tool_call_id`) and the older `function`
 * (by `name`). Content is a string, null, or parts (`text`, `image_url`, `input_audio`, `file`…);
 * only text parts are read. Copilot CLI sends its shell output as `role: "tool"` messages.
 *
 * @since 0.2.0
 */
import { type Block, isObject, type Path, type Role, textOf } from "./conversation.ts"

const roleOf = (role: unknown): Role =>
  role === "assistant" ? "assistant" : role === "system" ? "system" : role === "developer" ? "developer" : "user"

/** The text parts of a content: itself when a string, else each `text` part. */
const texts = (content: unknown, path: Path, make: (text: string, path: Path) => Block, out: Array<Block>) => {
  if (typeof content === "string") return void out.push(make(content, path))
  if (!Array.isArray(content)) return
  content.forEach((part, k) => {
    if (isObject(part) && part.type === "text" && typeof part.text === "string") out.push(make(part.text, [...path, k, "text"]))
    else out.push({ kind: "other", path: [...path, k], type: isObject(part) ? textOf(part.type) : typeof part })
  })
}

export const read = (body: Record<string, any>): Array<Block> => {
  const out: Array<Block> = []
  const messages: Array<unknown> = Array.isArray(body.messages) ? body.messages : []
  messages.forEach((message, i) => {
    if (!isObject(message)) return
    const path = ["messages", i, "content"]
    if (message.role === "tool" || message.role === "function") {
      const callId = typeof message.tool_call_id === "string" ? message.tool_call_id : undefined
      const name = typeof message.name === "string" ? message.name : undefined
      return texts(message.content, path, (text, at) => ({ kind: "tool-result", callId, name, text, path: at }), out)
    }
    const role = roleOf(message.role)
    texts(message.content, path, (text, at) => ({ kind: "text", role, text, path: at }), out)
    if (Array.isArray(message.tool_calls)) {
      message.tool_calls.forEach((call: any, k: number) => {
        if (isObject(call) && isObject(call.function)) {
          out.push({ kind: "tool-call", id: call.id, name: textOf(call.function.name), args: call.function.arguments, path: ["messages", i, "tool_calls", k] })
        }
      })
    }
  })
  return out
}
