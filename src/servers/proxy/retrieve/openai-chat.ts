/**
 * headroom_retrieve on OpenAI Chat Completions: an assistant `tool_calls` entry asks, a `role:
 * "tool"` message answers. In a stream, tool calls arrive as deltas by `index`: the hidden ones are
 * taken out of their chunks, the others renumbered; the chunk with `finish_reason`, the usage
 * chunk and `[DONE]` wait for the end, and a continuation's chunks carry the first one's id.
 *
 * @since 0.3.0
 */
import { formatEvent, type SseEvent } from "../sse.ts"
import { RETRIEVE_DESCRIPTION, RETRIEVE_PARAMETERS, RETRIEVE_TOOL, type RetrieveCall } from "./tool.ts"
import { argsOf, jsonOf, type RetrieveWire, type Splicer } from "./wire.ts"

interface Call {
  id: string
  name: string
  arguments: string
}

class ChatSplicer implements Splicer {
  private text = ""
  private calls = new Map<number, Call>()
  /** Upstream tool-call index → the client's, or -1 for a hidden call; per stream. */
  private indexes = new Map<number, number>()
  private nextIndex = 0
  private held: Array<string> = []
  private first: { id?: string; created?: number } | undefined
  private continuing = false

  event(e: SseEvent): Array<string> {
    if (e.data.trim() === "[DONE]") {
      this.held.push(e.raw)
      return []
    }
    const chunk = jsonOf(e.data)
    if (chunk === undefined || chunk === null || typeof chunk !== "object") return [e.raw]
    let changed = false
    if (this.first === undefined) this.first = { id: chunk.id, created: chunk.created }
    else if (this.continuing && (chunk.id !== this.first.id || chunk.created !== this.first.created)) {
      chunk.id = this.first.id
      chunk.created = this.first.created
      changed = true
    }
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined
    const delta = choice?.delta
    if (typeof delta?.content === "string") this.text += delta.content
    if (Array.isArray(delta?.tool_calls)) {
      const shown: Array<unknown> = []
      for (const tc of delta.tool_calls) {
        const index = Number(tc.index)
        if (!this.indexes.has(index)) {
          const hidden = tc.function?.name === RETRIEVE_TOOL
          this.indexes.set(index, hidden ? -1 : this.nextIndex++)
          this.calls.set(index, { id: String(tc.id ?? ""), name: String(tc.function?.name ?? ""), arguments: "" })
        }
        const call = this.calls.get(index)!
        call.arguments += tc.function?.arguments ?? ""
        const to = this.indexes.get(index)!
        if (to === -1) changed = true
        else if (to !== index) {
          shown.push({ ...tc, index: to })
          changed = true
        } else shown.push(tc)
      }
      if (shown.length > 0) delta.tool_calls = shown
      else delete delta.tool_calls
    }
    const ending = choice?.finish_reason != null || (Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage)
    const text = changed ? formatEvent(e.event, JSON.stringify(chunk)) : e.raw
    if (ending) {
      this.held.push(text)
      return []
    }
    // A chunk left with nothing for the client once a hidden call is taken out is not sent.
    if (changed && delta && Object.keys(delta).length === 0) return []
    return [text]
  }

  answer(): unknown {
    const tool_calls = [...this.calls.values()].map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }))
    return { choices: [{ index: 0, message: { role: "assistant", content: this.text === "" ? null : this.text, tool_calls } }] }
  }

  release(): Array<string> {
    const out = this.held
    this.held = []
    return out
  }

  continueWith(): void {
    this.continuing = true
    this.text = ""
    this.calls = new Map()
    this.indexes = new Map()
    this.held = []
  }
}

const messageOf = (answer: unknown): Record<string, any> | undefined => (answer as { choices?: Array<{ message?: Record<string, any> }> })?.choices?.[0]?.message

const retrieveCalls = (message: Record<string, any> | undefined): Array<Record<string, any>> =>
  (Array.isArray(message?.tool_calls) ? message.tool_calls : []).filter((c: any) => c?.function?.name === RETRIEVE_TOOL)

export const openaiChat: RetrieveWire = {
  withTool: (body) => ({
    ...body,
    tools: [...(Array.isArray(body.tools) ? body.tools : []), { type: "function", function: { name: RETRIEVE_TOOL, description: RETRIEVE_DESCRIPTION, parameters: RETRIEVE_PARAMETERS } }]
  }),
  callsIn: (answer) => retrieveCalls(messageOf(answer)).map((c): RetrieveCall => ({ id: String(c.id), args: argsOf(c.function.arguments) })),
  continued: (body, answer, results) => {
    const message = messageOf(answer)
    return {
      ...body,
      messages: [
        ...(Array.isArray(body.messages) ? body.messages : []),
        { role: "assistant", content: typeof message?.content === "string" && message.content !== "" ? message.content : null, tool_calls: retrieveCalls(message) },
        ...results.map((r) => ({ role: "tool", tool_call_id: r.call.id, content: r.text }))
      ]
    }
  },
  merged: (earlier, final) => {
    const said = messageOf(earlier)?.content
    const answer = final as { choices?: Array<{ message?: Record<string, any> }> }
    const [first, ...rest] = answer.choices ?? []
    if (typeof said !== "string" || said === "" || first?.message === undefined) return final
    const message = { ...first.message, content: said + (typeof first.message.content === "string" ? first.message.content : "") }
    return { ...answer, choices: [{ ...first, message }, ...rest] }
  },
  splicer: () => new ChatSplicer()
}
