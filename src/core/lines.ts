/**
 * Lines as bytes. Line stages (logs, search, diff) keep what they keep byte for byte, so they
 * split their input into lines that keep their own endings (`\n`, `\r\n`, or none at the end) and
 * only decode a copy for analysis.
 *
 * A line too long to show whole (a minified bundle in grep output, a JSON blob in a log) is shown
 * as its head and tail around an in-line marker: the middle is stored as its own original, so
 * `headroom ccr-get HASH` returns exactly the bytes the marker stands for, and the head, marker
 * and tail concatenate back to the line once the marker is replaced by them:
 *
 *     dist/app.min.js:1:(function(){var e=…[441,811 chars not shown · headroom_retrieve hash=3f0c9a1be2d4]…})();
 *
 * @since 0.1.0
 */
import { keyOf } from "./hash.ts"
import { render } from "./marker.ts"
import type { Query } from "./query.ts"
import { estimateTokens } from "./tokenizer.ts"

/** A line longer than this many bytes is shown as its head and tail around a marker. */
export const LONG_LINE_BYTES = 2_000
/** About how much of a long line is kept: its first and last bytes (cut at a space when one is near). */
const HEAD_BYTES = 1_000
const TAIL_BYTES = 400
/** Around a place that must stay visible (a query hit), this many bytes on each side are kept. */
const WINDOW_BYTES = 150
/** A streamed line is held whole up to this many bytes; past it, it is cut as it arrives. */
export const MAX_LINE_BYTES = 1024 * 1024
/** The middle of a line cut as it arrives is stored in pieces of this many bytes: memory stays bounded. */
const SEGMENT_BYTES = 4 * 1024 * 1024

const decoder = new TextDecoder()

/** A line's text without its ending, for analysis (invalid UTF-8 becomes U+FFFD). */
export const lineText = (line: Uint8Array): string => {
  let end = line.length
  if (end > 0 && line[end - 1] === 10) end--
  if (end > 0 && line[end - 1] === 13) end--
  return decoder.decode(line.subarray(0, end))
}

/** Bytes of the line's ending: 2 for `\r\n`, 1 for `\n`, 0 for none. */
const endingLength = (line: Uint8Array): number => {
  const n = line.length
  if (n > 0 && line[n - 1] === 10) return n > 1 && line[n - 2] === 13 ? 2 : 1
  return 0
}

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80

/**
 * The nearest index at or before `at` that does not fall inside a UTF-8 sequence, so a cut never
 * splits a character (nor, once decoded, a surrogate pair). Bytes that are not UTF-8 are cut
 * anywhere after three steps back.
 */
export const charBoundary = (bytes: Uint8Array, at: number): number => {
  let i = at
  while (i > 0 && i < bytes.length && isContinuation(bytes[i]) && at - i < 3) i--
  return isContinuation(bytes[i]) && i < bytes.length ? at : i
}

/** Characters (code points) in bytes of UTF-8: the bytes that start one. */
export const charCount = (bytes: Uint8Array): number => {
  let n = 0
  for (let i = 0; i < bytes.length; i++) if (!isContinuation(bytes[i])) n++
  return n
}

/** Where a head of about `limit` bytes ends: after a space in its last fifth, else at a character boundary. */
const headEnd = (bytes: Uint8Array, limit: number): number => {
  const space = bytes.lastIndexOf(32, limit - 1)
  if (space >= limit * 0.8) return space + 1
  return charBoundary(bytes, limit)
}

/** Where a tail of about `limit` bytes before `end` starts: after a space in its first fifth, else at a character boundary. */
const tailStart = (bytes: Uint8Array, end: number, limit: number): number => {
  const from = end - limit
  if (from <= 0) return 0
  const space = bytes.indexOf(32, from)
  if (space !== -1 && space < from + limit * 0.2) return space + 1
  return charBoundary(bytes, from)
}

/**
 * A marker may cost at most this share of the (estimated) tokens of what it hides. Estimates of
 * a line or two err by a fifth either way (long words cost fewer tokens than their length says),
 * and a marker that saves less than that is not worth a retrieval.
 */
const MARKER_SHARE = 0.8

/**
 * True when a marker is worth its place: fewer bytes than what it hides, and clearly fewer
 * (estimated) tokens. Markers are dense (a hash, counts, brackets), so a short gap can cost more
 * tokens as a marker than as the text it would replace even when it has fewer bytes.
 */
export const worthMarking = (marker: string, hidden: Uint8Array | string): boolean => {
  const hiddenBytes = typeof hidden === "string" ? Buffer.byteLength(hidden, "utf8") : hidden.length
  if (Buffer.byteLength(marker, "utf8") >= hiddenBytes) return false
  const text = typeof hidden === "string" ? hidden : decoder.decode(hidden)
  return estimateTokens(marker) <= MARKER_SHARE * estimateTokens(text)
}

/** True when an output is shorter than its input in bytes and costs fewer (estimated) tokens. */
export const fewerTokens = (output: string | Uint8Array, input: Uint8Array): boolean => {
  const outBytes = typeof output === "string" ? Buffer.byteLength(output, "utf8") : output.length
  if (outBytes >= input.length) return false
  return estimateTokens(typeof output === "string" ? output : decoder.decode(output)) < estimateTokens(decoder.decode(input))
}

/**
 * The byte offset in a line of the query (the whole question, else the first of its words), if
 * it holds it: where a long line shown for a query must keep a window. Approximate for text that
 * is not UTF-8.
 */
export const placeOf = (line: Uint8Array, query: Query): number | undefined => {
  if (query.words.length === 0) return undefined
  const text = lineText(line).toLowerCase()
  // The whole question where it stands, else the first of its words.
  let at = text.indexOf(query.phrase)
  if (at === -1) for (const word of query.words) {
    const found = text.indexOf(word)
    if (found !== -1 && (at === -1 || found < at)) at = found
  }
  return at === -1 ? undefined : Buffer.byteLength(text.slice(0, at), "utf8")
}

/** The in-line marker of a part of a line left out: its characters, stored under their own key. */
const charsMarker = (hidden: Uint8Array): string => render({ key: keyOf(hidden), count: charCount(hidden), unit: "chars" })

export interface Shortened {
  /** The line as shown: its kept parts, and a marker in place of each part left out. */
  readonly line: Uint8Array
  /** The parts left out, in order: each must be stored (under its marker's key) before the line is shown. */
  readonly hidden: ReadonlyArray<Uint8Array>
  /** Characters left out. */
  readonly chars: number
}

const encoder = new TextEncoder()

/**
 * A long line as its head and tail around a marker for the middle — or, given the byte offset of
 * a place that must stay visible (a query hit), with a window around that place kept as well.
 * Undefined when the line is short enough, or when no marker would be worth its place.
 *
 * @example shortenLine(grepLineOfAMinifiedBundle)?.line // "a.min.js:1:…[441,811 chars not shown · …]…"
 */
export const shortenLine = (line: Uint8Array, keepAt?: number): Shortened | undefined => {
  if (line.length <= LONG_LINE_BYTES) return undefined
  const end = line.length - endingLength(line)
  const head = headEnd(line, HEAD_BYTES)
  const tail = Math.max(head, tailStart(line, end, TAIL_BYTES))
  const gaps: Array<[number, number]> = []
  if (keepAt !== undefined && keepAt - WINDOW_BYTES > head && keepAt + WINDOW_BYTES < tail) {
    const from = charBoundary(line, keepAt - WINDOW_BYTES)
    const to = charBoundary(line, keepAt + WINDOW_BYTES)
    gaps.push([head, from], [to, tail])
  } else gaps.push([head, tail])
  const parts: Array<Uint8Array> = []
  const hidden: Array<Uint8Array> = []
  let chars = 0
  let at = 0
  for (const [from, to] of gaps) {
    const middle = line.subarray(from, to)
    const marker = charsMarker(middle)
    if (!worthMarking(marker, middle)) continue
    parts.push(line.subarray(at, from), encoder.encode(marker))
    hidden.push(middle)
    chars += charCount(middle)
    at = to
  }
  if (hidden.length === 0) return undefined
  parts.push(line.subarray(at))
  return { line: Buffer.concat(parts), hidden, chars }
}

/** What a {@link LineSplitter} gives: lines, and the parts of lines too long to hold. */
export type Split =
  /** A whole line, ending included. */
  | { readonly kind: "line"; readonly bytes: Uint8Array }
  /** A piece of the middle of a line too long to hold: to be stored before its line is shown. */
  | { readonly kind: "hidden"; readonly bytes: Uint8Array }
  /** A line too long to hold, as it is shown: head, a marker for each hidden piece, tail. */
  | { readonly kind: "cut"; readonly bytes: Uint8Array; readonly chars: number }

/** A line past {@link MAX_LINE_BYTES}: its head and markers so far, and the bytes not yet decided. */
interface Cutting {
  readonly head: Uint8Array
  readonly markers: Array<string>
  chars: number
  pending: Array<Uint8Array>
  pendingBytes: number
}

/**
 * Splits a byte stream into lines, carrying a partial line from one chunk to the next. A line
 * longer than {@link MAX_LINE_BYTES} is not held: its head is kept, its middle is handed out in
 * pieces to be stored as they arrive, and at its end the line comes out as head, markers and
 * tail. Where it is cut depends only on its bytes, never on how the stream was chunked.
 */
export class LineSplitter {
  private partial: Array<Uint8Array> = []
  private partialBytes = 0
  private cutting: Cutting | undefined

  /** The lines completed by this chunk (with the partial line carried before it). */
  push(chunk: Uint8Array): Array<Split> {
    const out: Array<Split> = []
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(10, start)
      if (nl === -1) break
      this.add(chunk.subarray(start, nl + 1), out)
      this.finish(out)
      start = nl + 1
    }
    if (start < chunk.length) this.add(chunk.subarray(start), out)
    return out
  }

  /** The last line, when the input did not end with a newline. */
  end(): Array<Split> {
    const out: Array<Split> = []
    if (this.partialBytes > 0 || this.cutting) this.finish(out)
    return out
  }

  /** Adds bytes of the current line; starts cutting it once it outgrows what is held. */
  private add(piece: Uint8Array, out: Array<Split>) {
    if (piece.length === 0) return
    if (this.cutting) return this.addCut(this.cutting, piece, out)
    this.partial.push(piece)
    this.partialBytes += piece.length
    if (this.partialBytes <= MAX_LINE_BYTES) return
    const held = Buffer.concat(this.partial)
    this.partial = []
    this.partialBytes = 0
    const head = headEnd(held, HEAD_BYTES)
    this.cutting = { head: Buffer.from(held.subarray(0, head)), markers: [], chars: 0, pending: [], pendingBytes: 0 }
    this.addCut(this.cutting, held.subarray(head), out)
  }

  /** Holds the middle until a whole segment and a tail's worth are there, then hands the segment out. */
  private addCut(cut: Cutting, piece: Uint8Array, out: Array<Split>) {
    cut.pending.push(piece)
    cut.pendingBytes += piece.length
    while (cut.pendingBytes >= SEGMENT_BYTES + TAIL_BYTES + 8) {
      const pending = cut.pending.length === 1 ? cut.pending[0]! : Buffer.concat(cut.pending)
      const end = charBoundary(pending, SEGMENT_BYTES)
      this.hide(cut, Buffer.from(pending.subarray(0, end)), out)
      cut.pending = [pending.subarray(end)]
      cut.pendingBytes = pending.length - end
    }
  }

  private hide(cut: Cutting, bytes: Uint8Array, out: Array<Split>) {
    out.push({ kind: "hidden", bytes })
    cut.markers.push(charsMarker(bytes))
    cut.chars += charCount(bytes)
  }

  /** Ends the current line: whole if it was held, else head, markers and tail. */
  private finish(out: Array<Split>) {
    const cut = this.cutting
    if (!cut) {
      const line = this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial)
      this.partial = []
      this.partialBytes = 0
      out.push({ kind: "line", bytes: line })
      return
    }
    this.cutting = undefined
    const rest = cut.pending.length === 1 ? cut.pending[0]! : Buffer.concat(cut.pending)
    let tail = tailStart(rest, rest.length - endingLength(rest), TAIL_BYTES)
    const middle = rest.subarray(0, tail)
    if (worthMarking(charsMarker(middle), middle)) this.hide(cut, Buffer.from(middle), out)
    else tail = 0 // a few bytes past the last piece: shown with the tail
    const shown = Buffer.concat([cut.head, encoder.encode(cut.markers.join("")), rest.subarray(tail)])
    out.push({ kind: "cut", bytes: shown, chars: cut.chars })
  }
}

/** All lines of a buffer, endings kept; they concatenate back to the buffer. Lines are never cut. */
export const splitLines = (bytes: Uint8Array): Array<Uint8Array> => {
  const lines: Array<Uint8Array> = []
  let at = 0
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, at)) {
    lines.push(bytes.subarray(at, nl + 1))
    at = nl + 1
  }
  if (at < bytes.length) lines.push(bytes.subarray(at))
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
