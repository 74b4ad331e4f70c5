/**
 * Server-sent events, read as they arrive: complete events are given back with their raw text
 * (to relay unchanged, byte for byte), their `event:` name and their `data:` payload.
 *
 * @since 0.3.0
 */

export interface SseEvent {
  /** The event's text, its blank-line end included. */
  readonly raw: string
  readonly event: string | undefined
  readonly data: string
}

/** Cuts a byte stream into events; `push` returns the events its chunk completed. */
export class SseReader {
  private buffered = ""
  private readonly decoder = new TextDecoder()

  push(chunk: Uint8Array): Array<SseEvent> {
    this.buffered += this.decoder.decode(chunk, { stream: true })
    const out: Array<SseEvent> = []
    for (;;) {
      const m = /\r?\n\r?\n/.exec(this.buffered)
      if (!m) break
      const end = m.index + m[0].length
      out.push(parse(this.buffered.slice(0, end)))
      this.buffered = this.buffered.slice(end)
    }
    return out
  }

  /** What is left when the stream ends: an event without its blank line, if any. */
  end(): Array<SseEvent> {
    const rest = this.buffered + this.decoder.decode()
    this.buffered = ""
    return rest.trim() === "" ? [] : [parse(rest)]
  }
}

const parse = (raw: string): SseEvent => {
  let event: string | undefined
  const data: Array<string> = []
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith("event:")) event = line.slice(6).trim()
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""))
  }
  return { raw, event, data: data.join("\n") }
}

/** An event written anew (its data changed): `event:` when it had one, then `data:`. */
export const formatEvent = (event: string | undefined, data: string): string =>
  `${event !== undefined ? `event: ${event}\n` : ""}data: ${data}\n\n`
