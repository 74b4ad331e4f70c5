/**
 * headroom_retrieve on OpenAI Responses: a `function_call` output item asks, a
 * `function_call_output` input item answers. In a stream every event has a `sequence_number` and
 * the item events an `output_index`: the hidden calls' events are dropped, the others renumbered
 * so the client's numbers run on without gaps; `response.completed` (or `.incomplete`, `.failed`)
 * waits for the end and, after a continuation, carries the first response's id and every item the
 * client saw.
 *
 * @since 0.3.0
 */
import { formatEvent, type SseEvent } from "../sse.ts"
import { RETRIEVE_DESCRIPTION, RETRIEVE_PARAMETERS, RETRIEVE_TOOL, type RetrieveCall } from "./tool.ts"
import { argsOf, jsonOf, type RetrieveWire, type Splicer } from "./wire.ts"

type Item = Record<string, any>

const isCall = (item: Item | undefined) => item?.type === "function_call" && item.name === RETRIEVE_TOOL
const ENDINGS = new Set(["response.completed", "response.incomplete", "response.failed"])

class ResponsesSplicer implements Splicer {
  /** This stream's items, by upstream output index, as they end (or as they began). */
  private items: Array<Item> = []
  /** Upstream output index → the client's, or -1 for a hidden call; per stream. */
  private indexes = new Map<number, number>()
  /** Every item the client saw, across streams, by its index. */
  private shown: Array<Item> = []
  private nextIndex = 0
  private sequence = 0
  private held: Array<{ type: string; data: any }> = []
  private firstId: string | undefined
  private continuing = false

  event(e: SseEvent): Array<string> {
    const data = jsonOf(e.data)
    if (data === undefined || data === null || typeof data !== "object") return [e.raw]
    const type = String(data.type ?? e.event ?? "")
    if (type === "response.created" || type === "response.in_progress") {
      this.firstId ??= data.response?.id
      if (this.continuing) return []
    }
    if (ENDINGS.has(type)) {
      this.held.push({ type, data })
      return []
    }
    let to: number | undefined
    if (typeof data.output_index === "number") {
      const index = data.output_index
      if (type === "response.output_item.added") {
        this.items[index] = { ...data.item }
        this.indexes.set(index, isCall(data.item) ? -1 : this.nextIndex++)
      }
      if (type === "response.function_call_arguments.delta" && this.items[index]) {
        this.items[index]!.arguments = (this.items[index]!.arguments ?? "") + String(data.delta ?? "")
      }
      if (type === "response.output_item.done") this.items[index] = { ...data.item }
      to = this.indexes.get(index)
      if (to === -1) return []
      if (type === "response.output_item.done" && to !== undefined) this.shown[to] = data.item
    }
    return [this.renumbered(e, data, to)]
  }

  /** The event with the client's sequence number and output index, re-written only when they differ. */
  private renumbered(e: SseEvent, data: any, to: number | undefined): string {
    const sequence = this.sequence++
    const sameSequence = data.sequence_number === undefined || data.sequence_number === sequence
    const sameIndex = to === undefined || data.output_index === to
    if (sameSequence && sameIndex) return e.raw
    const next = { ...data, ...(data.sequence_number !== undefined ? { sequence_number: sequence } : {}), ...(to !== undefined ? { output_index: to } : {}) }
    return formatEvent(e.event, JSON.stringify(next))
  }

  answer(): unknown {
    return { object: "response", output: this.items.filter((i) => i !== undefined) }
  }

  release(): Array<string> {
    const out = this.held.map(({ type, data }) => {
      const response = this.continuing ? { ...data.response, id: this.firstId ?? data.response?.id, output: this.shown.filter((i) => i !== undefined) } : data.response
      const next = { ...data, response, ...(data.sequence_number !== undefined ? { sequence_number: this.sequence++ } : {}) }
      return formatEvent(type, JSON.stringify(next))
    })
    this.held = []
    return out
  }

  continueWith(): void {
    this.continuing = true
    this.items = []
    this.indexes = new Map()
    this.held = []
  }
}

const inputOf = (body: Record<string, any>): Array<unknown> =>
  typeof body.input === "string" ? [{ role: "user", content: body.input }] : Array.isArray(body.input) ? body.input : []

const outputOf = (answer: unknown): Array<Item> => (Array.isArray((answer as { output?: unknown })?.output) ? (answer as { output: Array<Item> }).output : [])

export const openaiResponses: RetrieveWire = {
  withTool: (body) => ({
    ...body,
    tools: [...(Array.isArray(body.tools) ? body.tools : []), { type: "function", name: RETRIEVE_TOOL, description: RETRIEVE_DESCRIPTION, parameters: RETRIEVE_PARAMETERS, strict: false }]
  }),
  callsIn: (answer) => outputOf(answer).filter(isCall).map((i): RetrieveCall => ({ id: String(i.call_id), args: argsOf(i.arguments) })),
  continued: (body, answer, results) => ({
    ...body,
    input: [
      ...inputOf(body),
      ...outputOf(answer).filter((i) => isCall(i) || i.type === "message" || i.type === "reasoning"),
      ...results.map((r) => ({ type: "function_call_output", call_id: r.call.id, output: r.text }))
    ]
  }),
  merged: (earlier, final) => {
    const said = outputOf(earlier).filter((i) => i.type === "message" || i.type === "reasoning")
    return { ...(final as object), output: [...said, ...outputOf(final)] }
  },
  splicer: () => new ResponsesSplicer()
}
