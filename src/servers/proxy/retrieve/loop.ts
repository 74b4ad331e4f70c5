/**
 * The retrieval loop: a request goes upstream with `headroom_retrieve` among its tools; when the
 * answer calls it, the proxy answers from the store and continues the exchange, and the client gets
 * one answer that never mentions the tool. A stream is relayed as it comes — text before a call
 * reaches the client at once — and a continuation's events follow in the same response. After
 * MAX_ROUNDS continuations (the last made from the client's own uncompressed messages) an answer goes as it is.
 *
 * @since 0.3.0
 */
import { once } from "node:events"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { Provider } from "../../../providers/conversation.ts"
import { declaredTools } from "../../../providers/providers.ts"
import { SseReader } from "../sse.ts"
import { anthropic } from "./anthropic.ts"
import { gemini } from "./gemini.ts"
import { openaiChat } from "./openai-chat.ts"
import { openaiResponses } from "./openai-responses.ts"
import { RETRIEVE_TOOL, type RetrieveCall } from "./tool.ts"
import { jsonOf, type Result, type RetrieveWire } from "./wire.ts"

/** A wire whose `withTool` adds the tool once: a body that declares it already stays as it is. */
const declaringOnce = (wire: RetrieveWire): RetrieveWire => ({
  ...wire,
  withTool: (body) => (declaredTools(body).includes(RETRIEVE_TOOL) ? body : wire.withTool(body))
})

export const WIRES: Record<Provider, RetrieveWire> = {
  "anthropic": declaringOnce(anthropic),
  "openai-chat": declaringOnce(openaiChat),
  "openai-responses": declaringOnce(openaiResponses),
  "gemini": declaringOnce(gemini)
}

/** Continuations at most: the last from the client's own uncompressed messages; a call after it reaches the client. */
const MAX_ROUNDS = 3

export interface Loop {
  readonly wire: RetrieveWire
  readonly stream: boolean
  /** The request as compressed, and as the client sent it; both with the tool. */
  readonly body: Record<string, any>
  readonly original: Record<string, any>
  /** Sends a body upstream (asking for an unencoded answer); resolves with its response. */
  readonly send: (body: Record<string, any>) => { readonly response: Promise<IncomingMessage>; readonly cancel: () => void }
  readonly answer: (calls: ReadonlyArray<RetrieveCall>) => Promise<Array<Result>>
  readonly res: ServerResponse
  /** Given each upstream answer, what sees its bytes (usage). */
  readonly watch?: ((answer: IncomingMessage) => (chunk: Buffer) => void) | undefined
}

/** The headers of an answer the proxy re-sends: its own length, no encoding (it asked for none). */
const headersOf = (answer: IncomingMessage, length?: number): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || ["content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"].includes(name)) continue
    out[name] = value
  }
  if (length !== undefined) out["content-length"] = String(length)
  return out
}

const readAll = async (answer: IncomingMessage, tap?: (chunk: Buffer) => void): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of answer) {
    tap?.(chunk as Buffer)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** Writes to the client, waiting when its buffer is full; false when the client is gone. */
const write = async (res: ServerResponse, texts: ReadonlyArray<string>): Promise<boolean> => {
  for (const text of texts) {
    if (res.destroyed) return false
    if (!res.write(text)) {
      const [event] = await Promise.race([once(res, "drain").then(() => ["drain"]), once(res, "close").then(() => ["close"])])
      if (event === "close") return false
    }
  }
  return !res.destroyed
}

/** Runs the loop; the upstream's failures before any answer are thrown to the caller. */
export const runLoop = async (loop: Loop): Promise<"done" | "client-gone" | "upstream-cut"> => {
  const { wire, res } = loop
  let body = loop.body
  const splicer = wire.splicer()
  // What the answers before a continuation said, for a client that does not stream.
  let earlier: unknown
  let started = false
  for (let round = 0;; round++) {
    const upstream = loop.send(body)
    res.once("close", () => {
      if (!res.writableFinished) upstream.cancel()
    })
    const answer = await upstream.response
    const tap = loop.watch?.(answer)
    const streamed = String(answer.headers["content-type"] ?? "").includes("text/event-stream")
    if (!loop.stream || !streamed || answer.statusCode !== 200) {
      if (started) {
        // A continuation that failed: end the answer the client has with what it was going to end with.
        answer.resume()
        await write(res, splicer.release())
        res.end()
        return "upstream-cut"
      }
      const bytes = await readAll(answer, tap).catch(() => undefined)
      if (bytes === undefined) {
        res.destroy()
        return "upstream-cut"
      }
      const json = answer.statusCode === 200 ? jsonOf(bytes.toString("utf8")) : undefined
      const calls = json === undefined || round >= MAX_ROUNDS ? [] : wire.callsIn(json)
      if (calls.length === 0) {
        const out = earlier === undefined || json === undefined ? bytes : Buffer.from(JSON.stringify(wire.merged(earlier, json)))
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headersOf(answer, out.length))
        res.end(out)
        return "done"
      }
      earlier = earlier === undefined ? json : wire.merged(earlier, json)
      body = wire.continued(round + 1 === MAX_ROUNDS ? loop.original : body, json, await loop.answer(calls))
      continue
    }
    if (!started) {
      res.writeHead(200, answer.statusMessage, headersOf(answer))
      res.flushHeaders()
      started = true
    }
    const reader = new SseReader()
    try {
      for await (const chunk of answer) {
        tap?.(chunk as Buffer)
        if (!await write(res, reader.push(chunk as Buffer).flatMap((e) => splicer.event(e)))) {
          upstream.cancel()
          return "client-gone"
        }
      }
    } catch {
      res.destroy()
      return "upstream-cut"
    }
    await write(res, reader.end().flatMap((e) => splicer.event(e)))
    const whole = splicer.answer()
    const calls = round >= MAX_ROUNDS ? [] : wire.callsIn(whole)
    if (calls.length === 0) {
      await write(res, splicer.release())
      res.end()
      return "done"
    }
    body = wire.continued(round + 1 === MAX_ROUNDS ? loop.original : body, whole, await loop.answer(calls))
    splicer.continueWith()
  }
}
