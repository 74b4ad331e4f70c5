/**
 * Lines as bytes. Line stages (logs, search, diff) keep what they keep byte for byte, so they
 * split their input into lines that keep their own endings (`\n`, `\r\n`, or none at the end) and
 * only decode a copy for analysis.
 *
 * @since 0.1.0
 */

/** A line that grows past this many bytes without a newline is cut, so memory stays bounded. */
export const MAX_LINE_BYTES = 1024 * 1024

/** Splits a byte stream into lines, carrying a partial line from one chunk to the next. */
export class LineSplitter {
  private partial: Array<Uint8Array> = []
  private partialBytes = 0

  /** The complete lines in this chunk (with the partial line carried before it). */
  push(chunk: Uint8Array): Array<Uint8Array> {
    const lines: Array<Uint8Array> = []
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(10, start)
      if (nl === -1) break
      const piece = chunk.subarray(start, nl + 1)
      lines.push(this.partial.length > 0 ? this.flushWith(piece) : piece)
      start = nl + 1
    }
    if (start < chunk.length) {
      let rest = chunk.subarray(start)
      while (this.partialBytes + rest.length > MAX_LINE_BYTES) {
        const room = MAX_LINE_BYTES - this.partialBytes
        lines.push(this.flushWith(rest.subarray(0, room)))
        rest = rest.subarray(room)
      }
      if (rest.length > 0) {
        this.partial.push(rest)
        this.partialBytes += rest.length
      }
    }
    return lines
  }

  /** The last line, when the input did not end with a newline. */
  end(): Uint8Array | undefined {
    return this.partial.length > 0 ? this.flushWith(new Uint8Array(0)) : undefined
  }

  private flushWith(piece: Uint8Array): Uint8Array {
    const line = Buffer.concat([...this.partial, piece])
    this.partial = []
    this.partialBytes = 0
    return line
  }
}

/** All lines of a buffer, endings kept; they concatenate back to the buffer. */
export const splitLines = (bytes: Uint8Array): Array<Uint8Array> => {
  const splitter = new LineSplitter()
  const lines = splitter.push(bytes)
  const last = splitter.end()
  if (last) lines.push(last)
  return lines
}

/** All lines of a text, breaks kept; they concatenate back to the text. */
export const textLines = (text: string): Array<string> => {
  const lines: Array<string> = []
  let at = 0
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", at)) {
    lines.push(text.slice(at, nl + 1))
    at = nl + 1
  }
  if (at < text.length) lines.push(text.slice(at))
  return lines
}

const decoder = new TextDecoder()

/** A line's text without its ending, for analysis (invalid UTF-8 becomes U+FFFD). */
export const lineText = (line: Uint8Array): string => {
  let end = line.length
  if (end > 0 && line[end - 1] === 10) end--
  if (end > 0 && line[end - 1] === 13) end--
  return decoder.decode(line.subarray(0, end))
}
