/**
 * What the retrieval loop needs of a wire format: the tool added to a request, the model's calls
 * to it found in an answer, the request continued by that answer and the calls' results, and a
 * splicer that relays a streamed answer while hiding the calls (their events are held back, the
 * answer's end is held until it is known whether a continuation follows, and a continuation's
 * events are numbered on from what the client has seen, as parts of the same answer).
 *
 * @since 0.3.0
 */
import type { SseEvent } from "../sse.ts"
import type { RetrieveCall } from "./tool.ts"

export interface Result {
  readonly call: RetrieveCall
  readonly text: string
}

export interface Splicer {
  /** An event of the upstream's stream: the texts to send the client now. */
  event(e: SseEvent): Array<string>
  /** The answer streamed so far (since the last continuation), as a whole answer of the format. */
  answer(): unknown
  /** The events held at the answer's end, to send when no continuation follows. */
  release(): Array<string>
  /** A continuation's stream follows: its start is not shown again, its parts are numbered on. */
  continueWith(): void
}

export interface RetrieveWire {
  withTool(body: Record<string, any>): Record<string, any>
  callsIn(answer: unknown): Array<RetrieveCall>
  continued(body: Record<string, any>, answer: unknown, results: ReadonlyArray<Result>): Record<string, any>
  /**
   * A whole answer with what an earlier one said before its calls put in front (its text and
   * thinking), so a client that does not stream sees one answer, as a streaming one does.
   */
  merged(earlier: unknown, final: unknown): unknown
  splicer(): Splicer
}

/** Parses a JSON text, or undefined. */
export const jsonOf = (text: string): any => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A tool call's arguments given as a JSON text, parsed (an object), or {}. */
export const argsOf = (text: unknown): Record<string, unknown> => {
  const v = typeof text === "string" ? jsonOf(text) : text
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}
