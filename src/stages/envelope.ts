/**
 * Numbered lines: the envelope file-reading tools put around a file. `cat -n` writes
 * `     1\tline`, Claude Code's `Read` writes `     1→line`, and both may come with lines of
 * their own before and after (`Here's the result of running cat -n …`, a `<system-reminder>`).
 * What is inside is the file, and the file is what route and the compressors must see: taken out
 * of its envelope, the numbers no longer hide that it is source code or a log.
 *
 * `openNumbered` takes the envelope off; `closeNumbered` puts it back on a compressor's output:
 * every kept line gets its own prefix again, byte for byte, and every marker line is rewritten to
 * point at the enveloped original (numbers included), so what a marker returns is exactly the
 * lines it stands for, as the model saw them.
 *
 * @since 0.2.0
 */
import { textLines } from "../core/lines.ts"
import { type Marker, parseAll, render } from "../core/marker.ts"

/** `cat -n` (a tab) or Claude Code (an arrow) after a right-aligned line number. */
const NUMBERED = /^( *\d+(?:\t|→))/

/** At least this many numbered lines, and this share of all non-blank lines, make an envelope. */
const MIN_NUMBERED = 3
const MIN_SHARE = 0.8

export interface Numbered {
  /** Lines before the numbered ones, as they were. */
  readonly head: string
  /** Each numbered line's prefix (`   12→`). */
  readonly prefixes: ReadonlyArray<string>
  /** The numbered lines without their prefixes: the file. */
  readonly inner: string
  /** Lines after the numbered ones, as they were. */
  readonly tail: string
}

/** The file inside numbered lines, or undefined when the text is not one numbered run. */
export const openNumbered = (text: string): Numbered | undefined => {
  const lines = textLines(text)
  const first = lines.findIndex((l) => NUMBERED.test(l))
  if (first === -1) return undefined
  const prefixes: Array<string> = []
  const inner: Array<string> = []
  let expected: number | undefined
  let end = first
  for (; end < lines.length; end++) {
    const m = NUMBERED.exec(lines[end]!)
    if (!m) break
    const n = Number.parseInt(m[1]!, 10)
    // The numbers count up by one: a numbered list or a table is not a file.
    if (expected !== undefined && n !== expected) return undefined
    expected = n + 1
    prefixes.push(m[1]!)
    inner.push(lines[end]!.slice(m[1]!.length))
  }
  const nonBlank = lines.filter((l) => l.trim() !== "").length
  if (prefixes.length < MIN_NUMBERED || prefixes.length < MIN_SHARE * nonBlank) return undefined
  return { head: lines.slice(0, first).join(""), prefixes, inner: inner.join(""), tail: lines.slice(end).join("") }
}

/** A line of a compressor's output that stands for hidden lines: the one marker it holds, alone or in a comment. */
const markerOf = (line: string): Marker | undefined => {
  const markers = parseAll(line)
  if (markers.length !== 1 || markers[0]!.unit !== "lines") return undefined
  return markers[0]
}

/**
 * A compressor's output on the file, back in its envelope. `outerKey` is the key the enveloped
 * original is stored under. Every output line must be the file's next line or a line marker
 * (line stages and code write nothing else); anything else gives undefined, and the caller keeps
 * the input as it was.
 */
export const closeNumbered = (numbered: Numbered, output: string, outerKey: string): string | undefined => {
  const innerLines = textLines(numbered.inner)
  const headLines = textLines(numbered.head).length
  const out: Array<string> = [numbered.head]
  let at = 0
  for (const line of textLines(output)) {
    if (at < innerLines.length && line === innerLines[at]) {
      out.push(numbered.prefixes[at]! + line)
      at++
      continue
    }
    const marker = markerOf(line)
    if (!marker || at + marker.count > innerLines.length) return undefined
    // Rows at..at+count-1 of the file are rows head+at+1.. of the enveloped original (1-based).
    const from = headLines + at + 1
    const rewritten = render({ ...marker, key: outerKey, selector: { lines: `${from}-${from + marker.count - 1}` } })
    out.push(line.replace(/\[[^\]]*headroom_retrieve hash=[0-9a-f]+[^\]]*\]/, rewritten))
    at += marker.count
  }
  if (at !== innerLines.length) return undefined
  // A last numbered line with nothing after its number (`   156→`) is no line of the file's text.
  for (let k = innerLines.length; k < numbered.prefixes.length; k++) out.push(numbered.prefixes[k]!)
  out.push(numbered.tail)
  return out.join("")
}
