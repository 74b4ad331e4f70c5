/**
 * The usage an upstream reports for a model call — input tokens, those read from and written to
 * its prompt cache, output tokens — read from the answer as it passes to the client (a copy of
 * the bytes; the client's are never held back). JSON answers are read at their end, event streams
 * event by event; gzip, deflate and brotli bodies are decoded on the copy.
 *
 * @since 0.3.0
 */
import type { IncomingHttpHeaders } from "node:http"
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib"
import type { Transform } from "node:stream"

export interface Usage {
  /** Input tokens billed at the full price (not from the cache, not written to it). */
  readonly input: number
  readonly cacheRead: number
  readonly cacheWrite: number
  readonly output: number
}

/** A JSON answer larger than this is not read for usage. */
const MAX_JSON = 16 * 1024 * 1024

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0)

/** Usage from one answer object or stream event of any of the four formats, or undefined. */
export const usageIn = (value: any): Partial<Usage> | undefined => {
  if (value === null || typeof value !== "object") return undefined
  // Anthropic: message_start carries the message; message_delta its usage; a whole answer its own.
  const anthropic = value.message?.usage ?? (value.type === "message_delta" || value.type === "message" ? value.usage : undefined)
  if (anthropic && ("input_tokens" in anthropic || "output_tokens" in anthropic) && !("input_tokens_details" in anthropic)) {
    const u: Partial<{ -readonly [K in keyof Usage]: number }> = {}
    if ("input_tokens" in anthropic) u.input = num(anthropic.input_tokens)
    if ("cache_read_input_tokens" in anthropic) u.cacheRead = num(anthropic.cache_read_input_tokens)
    if ("cache_creation_input_tokens" in anthropic) u.cacheWrite = num(anthropic.cache_creation_input_tokens)
    if ("output_tokens" in anthropic) u.output = num(anthropic.output_tokens)
    return u
  }
  // OpenAI Responses: response.completed's response, or a whole response.
  const responses = value.response?.usage ?? (value.object === "response" ? value.usage : undefined)
  if (responses && "input_tokens" in responses) {
    const cached = num(responses.input_tokens_details?.cached_tokens)
    return { input: num(responses.input_tokens) - cached, cacheRead: cached, cacheWrite: 0, output: num(responses.output_tokens) }
  }
  // OpenAI Chat: the answer's usage, or the last chunk's.
  if (value.usage && "prompt_tokens" in value.usage) {
    const cached = num(value.usage.prompt_tokens_details?.cached_tokens)
    return { input: num(value.usage.prompt_tokens) - cached, cacheRead: cached, cacheWrite: 0, output: num(value.usage.completion_tokens) }
  }
  // Gemini: every chunk carries the usage so far; the last one counts.
  if (value.usageMetadata && typeof value.usageMetadata === "object") {
    const m = value.usageMetadata
    const cached = num(m.cachedContentTokenCount)
    // Thinking is billed as output but counted apart from the candidates (OpenAI's and Anthropic's
    // output counts include it): added, so output means the same in every format.
    const output = num(m.candidatesTokenCount) + num(m.thoughtsTokenCount)
    return { input: num(m.promptTokenCount) - cached, cacheRead: cached, cacheWrite: 0, output }
  }
  return undefined
}

const decoderFor = (encoding: string | undefined): Transform | undefined => {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return createGunzip()
    case "deflate":
      return createInflate()
    case "br":
      return createBrotliDecompress()
    default:
      return undefined
  }
}

/**
 * Watches an answer's bytes for its usage. `push` each chunk as it passes; `done` gives the usage
 * found (undefined when the answer said none, or could not be read).
 */
export class UsageTap {
  private usage: Partial<{ -readonly [K in keyof Usage]: number }> = {}
  private found = false
  private text = ""
  private size = 0
  private broken = false
  private readonly stream: boolean
  private readonly decoder: Transform | undefined
  private readonly decoded: Promise<void>

  constructor(headers: IncomingHttpHeaders) {
    this.stream = String(headers["content-type"] ?? "").includes("text/event-stream")
    const encoding = headers["content-encoding"]
    this.decoder = decoderFor(Array.isArray(encoding) ? encoding[0] : encoding)
    if (encoding !== undefined && this.decoder === undefined) this.broken = true
    this.decoded = this.decoder
      ? new Promise<void>((resolve) => {
        this.decoder!.on("data", (chunk: Buffer) => this.take(chunk))
        this.decoder!.on("end", resolve)
        this.decoder!.on("error", () => {
          this.broken = true
          resolve()
        })
      })
      : Promise.resolve()
  }

  push(chunk: Buffer): void {
    if (this.broken) return
    if (this.decoder) this.decoder.write(chunk)
    else this.take(chunk)
  }

  async done(): Promise<Usage | undefined> {
    if (this.decoder && !this.broken) {
      this.decoder.end()
      await this.decoded
    }
    if (!this.stream && !this.broken && this.text !== "") {
      try {
        // Gemini's `:streamGenerateContent` without `alt=sse` answers a JSON array of chunks; the
        // last that says its usage counts, as in a stream.
        const value = JSON.parse(this.text)
        for (const v of Array.isArray(value) ? value : [value]) this.merge(usageIn(v))
      } catch {
        // Not JSON: no usage to read.
      }
    }
    if (this.stream) this.events(true)
    if (!this.found) return undefined
    return { input: this.usage.input ?? 0, cacheRead: this.usage.cacheRead ?? 0, cacheWrite: this.usage.cacheWrite ?? 0, output: this.usage.output ?? 0 }
  }

  private take(chunk: Buffer): void {
    this.size += chunk.length
    if (!this.stream && this.size > MAX_JSON) {
      this.broken = true
      this.text = ""
      return
    }
    this.text += chunk.toString("utf8")
    if (this.stream) this.events(false)
  }

  /** Reads the complete events so far (all of them at the end) and keeps the rest. */
  private events(atEnd: boolean): void {
    const parts = this.text.split(/\r?\n\r?\n/)
    this.text = atEnd ? "" : parts.pop() ?? ""
    for (const event of parts) {
      if (!event.includes("sage")) continue // usage, usageMetadata
      const data = event.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n")
      try {
        this.merge(usageIn(JSON.parse(data)))
      } catch {
        // Not JSON ([DONE], a comment): nothing to read.
      }
    }
  }

  private merge(u: Partial<Usage> | undefined): void {
    if (u === undefined) return
    this.found = true
    this.usage = { ...this.usage, ...u }
  }
}
