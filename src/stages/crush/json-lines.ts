/**
 * JSON Lines: one JSON value a line (structured logs, `dpkg-query -f '{…}\n'` records, `jq -c`
 * output). crush reads such a text as the records of one array, selects from them by the same
 * rules as from any array, and writes JSON Lines back (see `crushText`): each kept record as its
 * own line, byte for byte, and each run of dropped records as one line holding the marker as a
 * JSON string — so every line it writes is still JSON.
 *
 * @example
 * parseJsonLines('{"a":1}\n{"a":2}\n') // { lines: ['{"a":1}', '{"a":2}'], values: [{a:1}, {a:2}], crlf: false, … }
 *
 * @since 0.1.0
 */
import { InvalidJson } from "../../core/errors.ts"
import { type Json, parse } from "../../core/json.ts"

export interface Records {
  /** Each record's line as written, with its `\r` where lines end in CRLF; blank lines left out. */
  readonly lines: ReadonlyArray<string>
  readonly values: ReadonlyArray<Json>
  /** Whether the text's lines end in CRLF (the first line end says). */
  readonly crlf: boolean
  /** Whether the text ends with a line end. */
  readonly finalNewline: boolean
}

const isBlank = (line: string) => line.trim() === ""

/**
 * The records of a text that is not one JSON value: undefined when it does not read as JSON
 * Lines (its first non-blank line is not JSON by itself, as in pretty-printed JSON), else every
 * non-blank line parsed. Throws `InvalidJson` at the first line that is not JSON, with its line
 * and column in the whole text, and RangeError for nesting deeper than the engine's stack.
 */
export const parseJsonLines = (text: string): Records | undefined => {
  const lines: Array<string> = []
  const values: Array<Json> = []
  let start = 0
  for (let number = 1; start <= text.length; number++) {
    const newline = text.indexOf("\n", start)
    const end = newline === -1 ? text.length : newline
    const line = text.slice(start, end)
    start = end + 1
    if (isBlank(line)) continue
    let value: Json
    try {
      value = parse(line, { locate: false }).value
    } catch (e) {
      if (!(e instanceof InvalidJson)) throw e
      if (values.length === 0) return undefined
      throw locate(line, number)
    }
    lines.push(line)
    values.push(value)
  }
  if (values.length === 0) return undefined // blank: not JSON of any kind
  const firstEnd = text.indexOf("\n")
  return { lines, values, crlf: firstEnd > 0 && text[firstEnd - 1] === "\r", finalNewline: text.endsWith("\n") }
}

/** The error in one line, placed in the whole text. */
const locate = (line: string, number: number): InvalidJson => {
  try {
    parse(line)
  } catch (e) {
    if (e instanceof InvalidJson) return new InvalidJson({ reason: e.reason, line: number, column: e.column })
  }
  return new InvalidJson({ reason: "not valid JSON", line: number, column: 1 })
}
