/**
 * headroom_retrieve on Anthropic Messages: a `tool_use` block asks, a `tool_result` answers. In a
 * stream, content blocks are numbered by `index`: the hidden calls' blocks are dropped and the
 * others renumbered so the client sees 0, 1, 2…; `message_delta` and `message_stop` wait for the
 * end, and a continuation's `message_start` is not shown.
 *
 * @since 0.3.0
 */
import { formatEvent, type SseEvent } from "../sse.ts"
import { RETRIEVE_DESCRIPTION, RETRIEVE_PARAMETERS, RETRIEVE_TOOL, type RetrieveCall } from "./tool.ts"
import { argsOf, jsonOf, type RetrieveWire, type Splicer } from "./wire.ts"

type Block = Record<string, any>

/** An answer's content blocks; none when it has no list of them. */
const blocksOf = (answer: unknown): Array<Block> => {
  const content = (answer as { content?: unknown } | null | undefined)?.content
  return Array.isArray(content) ? (content as Array<Block>) : []
}

const isCall = (b: Block | undefined) => b?.type === "tool_use" && b.name === RETRIEVE_TOOL

class AnthropicSplicer implements Splicer {
  private blocks: Array<Block> = []
  /** Upstream index → the client's, or -1 for a hidden block; per stream. */
  private indexes = new Map<number, number>()
  private nextIndex = 0
  private held: Array<string> = []
  private continuing = false

  event(e: SseEvent): Array<string> {
    const data = jsonOf(e.data)
    const type = data?.type ?? e.event
    if (type === "message_start") return this.continuing ? [] : [e.raw]
    if (type === "message_delta" || type === "message_stop") {
      this.held.push(e.raw)
      return []
    }
    if (type !== "content_block_start" && type !== "content_block_delta" && type !== "content_block_stop") return [e.raw]
    const index = Number(data.index)
    if (type === "content_block_start") {
      const block = { ...data.content_block }
      if (block.type === "tool_use") block.input = ""
      this.blocks[index] = block
      this.indexes.set(index, isCall(block) ? -1 : this.nextIndex++)
    } else if (type === "content_block_delta") {
      const block = this.blocks[index]
      const d = data.delta ?? {}
      if (block) {
        if (d.type === "text_delta") block.text = (block.text ?? "") + d.text
        else if (d.type === "thinking_delta") block.thinking = (block.thinking ?? "") + d.thinking
        else if (d.type === "signature_delta") block.signature = (block.signature ?? "") + d.signature
        else if (d.type === "input_json_delta") block.input = (block.input ?? "") + d.partial_json
      }
    }
    const to = this.indexes.get(index)
    if (to === undefined || to === -1) return to === -1 ? [] : [e.raw]
    return to === index ? [e.raw] : [formatEvent(e.event, JSON.stringify({ ...data, index: to }))]
  }

  answer(): unknown {
    const content = this.blocks.filter((b) => b !== undefined).map((b) => (b.type === "tool_use" ? { ...b, input: argsOf(b.input) } : b))
    return { type: "message", role: "assistant", content }
  }

  release(): Array<string> {
    const out = this.held
    this.held = []
    return out
  }

  continueWith(): void {
    this.continuing = true
    this.blocks = []
    this.indexes = new Map()
    this.held = []
  }
}

export const anthropic: RetrieveWire = {
  withTool: (body) => ({
    ...body,
    tools: [...(Array.isArray(body.tools) ? body.tools : []), { name: RETRIEVE_TOOL, description: RETRIEVE_DESCRIPTION, input_schema: RETRIEVE_PARAMETERS }]
  }),
  callsIn: (answer) =>
    blocksOf(answer).filter(isCall).map((b): RetrieveCall => ({ id: String(b.id), args: argsOf(b.input) })),
  continued: (body, answer, results) => {
    const content = blocksOf(answer).filter((b) =>
      isCall(b) || b.type === "thinking" || b.type === "redacted_thinking" || (b.type === "text" && b.text !== "")
    )
    return {
      ...body,
      messages: [
        ...(Array.isArray(body.messages) ? body.messages : []),
        { role: "assistant", content },
        { role: "user", content: results.map((r) => ({ type: "tool_result", tool_use_id: r.call.id, content: r.text })) }
      ]
    }
  },
  merged: (earlier, final) => {
    const said = blocksOf(earlier).filter((b) => b.type === "text" || b.type === "thinking" || b.type === "redacted_thinking")
    const answer = final as { content?: Array<Block> }
    return { ...answer, content: [...said, ...(answer.content ?? [])] }
  },
  splicer: () => new AnthropicSplicer()
}
