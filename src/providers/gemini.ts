/**
 * Gemini generateContent: `systemInstruction` and `contents` of `{role, parts}` — `text` parts,
 * `functionCall` (model) and `functionResponse` (user) parts, and parts the pipeline never touches:
 * thoughts, anything with a `thoughtSignature` on a model turn, inline data, files, executable
 * code. A function's result is the string fields of its `response` (Gemini CLI puts shell output,
 * inside `<untrusted_context>`, in `response.output`).
 *
 * @since 0.2.0
 */
import { type Block, isObject, type Path, textOf } from "./conversation.ts"

/** Fields of a function's `response` that hold its output as text. */
const RESULT_FIELDS = ["output", "content", "result", "llmContent", "stdout", "stderr", "error"]

const parts = (content: unknown, path: Path, role: "user" | "assistant" | "system", out: Array<Block>) => {
  if (!isObject(content) || !Array.isArray(content.parts)) return
  content.parts.forEach((part: unknown, k: number) => {
    const at = [...path, "parts", k]
    if (!isObject(part)) return void out.push({ kind: "other", path: at, type: typeof part })
    if (isObject(part.functionCall)) {
      return void out.push({ kind: "tool-call", id: part.functionCall.id, name: textOf(part.functionCall.name), args: part.functionCall.args, path: at })
    }
    if (isObject(part.functionResponse)) {
      const { id, name, response } = part.functionResponse
      const results = isObject(response) ? RESULT_FIELDS.filter((f) => typeof response[f] === "string") : []
      if (results.length === 0) return void out.push({ kind: "other", path: at, type: "functionResponse" })
      for (const field of results) {
        out.push({ kind: "tool-result", callId: typeof id === "string" ? id : undefined, name: typeof name === "string" ? name : undefined, text: response[field], path: [...at, "functionResponse", "response", field] })
      }
      return
    }
    if (typeof part.text === "string" && part.thought !== true && part.thoughtSignature === undefined) {
      return void out.push({ kind: "text", role, text: part.text, path: [...at, "text"] })
    }
    out.push({ kind: "other", path: at, type: part.thought === true ? "thought" : "part" })
  })
}

export const read = (body: Record<string, any>): Array<Block> => {
  const out: Array<Block> = []
  parts(body.systemInstruction ?? body.system_instruction, ["systemInstruction" in body ? "systemInstruction" : "system_instruction"], "system", out)
  const contents: Array<unknown> = Array.isArray(body.contents) ? body.contents : []
  contents.forEach((content, i) => {
    if (isObject(content)) parts(content, ["contents", i], content.role === "model" ? "assistant" : "user", out)
  })
  return out
}
