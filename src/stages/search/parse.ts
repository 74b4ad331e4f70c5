/**
 * Search results, line by line, in the formats tools print them:
 *   - grep / rg without headings: `path:12:text` (match), `path-13-text` (context), `path:text`
 *     (no line numbers), `--` between groups, `Binary file path matches`;
 *   - rg with headings: a line naming the file, then `12:text` / `13-text` lines, blank between;
 *   - rg --json: one JSON object per line (`begin`, `match`, `context`, `end`, `summary`);
 *   - Gemini CLI's search_file_content: `File: path` lines, then `L12: text` lines, `---` between.
 *
 * @since 0.1.0
 */
import { lineText } from "../../core/lines.ts"

export type EntryKind = "match" | "context" | "file" | "other"

export interface Entry {
  readonly kind: EntryKind
  /** The file this line belongs to, when known. */
  readonly file: string | undefined
  /** The matched or context text, for ranking and de-duplication. */
  readonly text: string
}

const PATH = String.raw`(?:\.{0,2}\/)?[^\s:]*[\w\]\)]`
const WITH_NUMBER = new RegExp(String.raw`^(${PATH}):(\d+):(?:\d+:)?(.*)$`)
const CONTEXT = new RegExp(String.raw`^(${PATH})-(\d+)-(.*)$`)
const NO_NUMBER = new RegExp(String.raw`^(${PATH}\.\w{1,10}):(.*)$`)
const HEADING_MATCH = /^(\d+)[:-](.*)$/
const BINARY = /^Binary file (.+) matches$/
const LABELLED_FILE = /^File: (\S.*)$/
const LABELLED_MATCH = /^L(\d+): (.*)$/

export type Format = "flat" | "heading" | "json" | "labelled"

/** Gemini CLI's search results: `File: path` headings over `L12: text` lines. */
export const isLabelled = (texts: ReadonlyArray<string>): boolean => {
  const body = texts.filter((t) => t.trim() !== "" && t !== "---")
  const files = body.filter((t) => LABELLED_FILE.test(t)).length
  return files > 0 && (files + body.filter((t) => LABELLED_MATCH.test(t)).length) >= 0.8 * body.length
}

/** Which format the lines are in, from the first lines. */
export const detectFormat = (texts: ReadonlyArray<string>): Format => {
  const first = texts.find((t) => t.trim() !== "") ?? ""
  if (first.startsWith('{"type":"begin"') || first.startsWith('{"type":"match"')) return "json"
  if (isLabelled(texts.slice(0, 400))) return "labelled"
  // A heading is a line that is not itself a hit, followed by numbered lines.
  const second = texts[texts.indexOf(first) + 1] ?? ""
  if (!WITH_NUMBER.test(first) && !NO_NUMBER.test(first) && HEADING_MATCH.test(second)) return "heading"
  return "flat"
}

const parseJson = (text: string): Entry => {
  try {
    const o = JSON.parse(text) as { type?: string; data?: { path?: { text?: string }; lines?: { text?: string } } }
    const file = o.data?.path?.text
    const kind: EntryKind = o.type === "match" ? "match" : o.type === "context" ? "context" : o.type === "begin" ? "file" : "other"
    return { kind, file, text: (o.data?.lines?.text ?? "").replace(/\n$/, "") }
  } catch {
    return { kind: "other", file: undefined, text }
  }
}

/** Parses every line; lines that fit no pattern are `other` and are kept as they are. */
export const parseEntries = (lines: ReadonlyArray<Uint8Array>): Array<Entry> => {
  const texts = lines.map(lineText)
  const format = detectFormat(texts)
  if (format === "json") return texts.map(parseJson)
  const entries: Array<Entry> = []
  let heading: string | undefined
  for (const text of texts) {
    let m: RegExpExecArray | null
    if (format === "labelled") {
      if ((m = LABELLED_FILE.exec(text))) entries.push({ kind: "file", file: heading = m[1]!, text })
      else if (heading !== undefined && (m = LABELLED_MATCH.exec(text))) entries.push({ kind: "match", file: heading, text: m[2]! })
      else entries.push({ kind: "other", file: undefined, text })
      continue
    }
    if (format === "heading") {
      if (text.trim() === "") {
        heading = undefined
        entries.push({ kind: "other", file: undefined, text })
      } else if (heading !== undefined && (m = HEADING_MATCH.exec(text))) {
        entries.push({ kind: text[m[1]!.length] === ":" ? "match" : "context", file: heading, text: m[2]! })
      } else {
        heading = text
        entries.push({ kind: "file", file: text, text })
      }
      continue
    }
    if ((m = WITH_NUMBER.exec(text))) entries.push({ kind: "match", file: m[1]!, text: m[3]! })
    else if ((m = CONTEXT.exec(text))) entries.push({ kind: "context", file: m[1]!, text: m[3]! })
    else if ((m = BINARY.exec(text))) entries.push({ kind: "match", file: m[1]!, text })
    else if ((m = NO_NUMBER.exec(text))) entries.push({ kind: "match", file: m[1]!, text: m[2]! })
    else entries.push({ kind: "other", file: undefined, text })
  }
  return entries
}
