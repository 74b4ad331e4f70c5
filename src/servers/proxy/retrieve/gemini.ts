/**
 * headroom_retrieve on Gemini generateContent: a `functionCall` part asks, a `functionResponse`
 * part answers. A stream is a run of whole responses: the hidden calls' parts are taken out of
 * their chunk (a chunk left empty is not sent), the chunk that says `finishReason` waits for the end,
 * and a continuation's chunks follow as they come. The model's parts go back as they came,
 * `thoughtSignature` included (Gemini wants it back with a function call).
 *
 * @since 0.3.0
 */
import { formatEvent, type SseEvent } from "../sse.ts"
import { RETRIEVE_DESCRIPTION, RETRIEVE_PARAMETERS, RETRIEVE_TOOL, type RetrieveCall } from "./tool.ts"
import { argsOf, jsonOf, type RetrieveWire, type Splicer } from "./wire.ts"

type Part = Record<string, any>

const isCall = (part: Part | undefined) => part?.functionCall?.name === RETRIEVE_TOOL

class GeminiSplicer implements Splicer {
  private parts: Array<Part> = []
  private held: Array<string> = []

  event(e: SseEvent): Array<string> {
    const chunk = jsonOf(e.data)
    const candidate = Array.isArray(chunk?.candidates) ? chunk.candidates[0] : undefined
    if (candidate === undefined) return [e.raw]
    const parts: Array<Part> = Array.isArray(candidate.content?.parts) ? candidate.content.parts : []
    this.parts.push(...parts)
    const shown = parts.filter((p) => !isCall(p))
    const changed = shown.length !== parts.length
    if (changed) candidate.content = { ...candidate.content, parts: shown }
    const text = changed ? formatEvent(e.event, JSON.stringify(chunk)) : e.raw
    if (candidate.finishReason !== undefined) {
      this.held.push(text)
      return []
    }
    return changed && shown.length === 0 ? [] : [text]
  }

  answer(): unknown {
    return { candidates: [{ content: { role: "model", parts: this.parts } }] }
  }

  release(): Array<string> {
    const out = this.held
    this.held = []
    return out
  }

  continueWith(): void {
    this.parts = []
    this.held = []
  }
}

const partsOf = (answer: unknown): Array<Part> => {
  const parts = (answer as { candidates?: Array<{ content?: { parts?: unknown } }> })?.candidates?.[0]?.content?.parts
  return Array.isArray(parts) ? parts : []
}

export const gemini: RetrieveWire = {
  withTool: (body) => {
    const declaration = { name: RETRIEVE_TOOL, description: RETRIEVE_DESCRIPTION, parameters: RETRIEVE_PARAMETERS }
    const tools: Array<Record<string, any>> = Array.isArray(body.tools) ? [...body.tools] : []
    const at = tools.findIndex((t) => Array.isArray(t?.functionDeclarations))
    if (at === -1) tools.push({ functionDeclarations: [declaration] })
    else tools[at] = { ...tools[at], functionDeclarations: [...tools[at]!.functionDeclarations, declaration] }
    return { ...body, tools }
  },
  callsIn: (answer) =>
    partsOf(answer).filter(isCall).map((p, i): RetrieveCall => ({ id: String(p.functionCall.id ?? `${RETRIEVE_TOOL}-${i}`), args: argsOf(p.functionCall.args) })),
  continued: (body, answer, results) => {
    const parts = partsOf(answer).filter((p) => isCall(p) || (typeof p.text === "string" && p.text !== ""))
    return {
      ...body,
      contents: [
        ...(Array.isArray(body.contents) ? body.contents : []),
        { role: "model", parts },
        {
          role: "user",
          parts: results.map((r) => ({
            functionResponse: { name: RETRIEVE_TOOL, ...(r.call.id.startsWith(`${RETRIEVE_TOOL}-`) ? {} : { id: r.call.id }), response: { output: r.text } }
          }))
        }
      ]
    }
  },
  merged: (earlier, final) => {
    const said = partsOf(earlier).filter((p) => typeof p.text === "string" && p.text !== "")
    const answer = final as { candidates?: Array<{ content?: { parts?: Array<Part> } }> }
    const [first, ...rest] = answer.candidates ?? []
    if (first === undefined || said.length === 0) return final
    return { ...answer, candidates: [{ ...first, content: { ...first.content, role: "model", parts: [...said, ...partsOf(final)] } }, ...rest] }
  },
  splicer: () => new GeminiSplicer()
}
