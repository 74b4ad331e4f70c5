/**
 * What kind of content this is. Decides from a bounded prefix, so a large input costs no more than
 * a small one; from the file's path when one is known (`lib/x.ex` is Elixir), else from the
 * content's structure. (route.ts adds which stage handles it.)
 *
 * Faithful by default: kompress, the one stage that shortens inside lines, is chosen only for
 * text that is clearly prose; code, logs, tables, paths, commands and tool output never reach it,
 * and text route is unsure of is `text`, which passes through. Numbered lines (`cat -n`, Claude
 * Code's `Read`) are looked through: their type is the type of the file inside.
 *
 * @since 0.1.0
 */
import type { ContentType } from "../core/content.ts"
import { LANGUAGES, languageOfPath } from "./code/languages.ts"
import { openNumbered } from "./envelope.ts"
import { codeLanguage, hasCodeShape } from "./route/code-shape.ts"
import { hasLogFields, isListing, repeatsShapes } from "./route/log-shape.ts"
import { isLabelled } from "./search/parse.ts"
import { isProse, sentenceShare } from "./route/prose-shape.ts"

/** Bytes of the input that routing looks at. */
const PREFIX_BYTES = 64 * 1024
/** Lines of the prefix that routing reads. */
const PREFIX_LINES = 400

const startsWith = (bytes: Uint8Array, sig: ReadonlyArray<number>, offset = 0) =>
  sig.every((b, i) => bytes[offset + i] === b)

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0))

/** Image types by their magic bytes. */
const imageType = (b: Uint8Array): ContentType | undefined => {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image:png"
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "image:jpeg"
  if (startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a"))) return "image:gif"
  if (startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8)) return "image:webp"
  if (startsWith(b, ascii("ftypavif"), 4)) return "image:avif"
  if (startsWith(b, ascii("ftypheic"), 4)) return "image:heic"
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return "image:tiff"
  if (startsWith(b, ascii("BM")) && b.length > 26 && b[14]! >= 12 && b[15] === 0) return "image:bmp"
  return undefined
}

/** Invalid UTF-8 sequences a text may hold and still be text (a log with one stray byte). */
const MAX_INVALID_SHARE = 0.005

/**
 * The prefix as text: UTF-8, forgiving a multi-byte character cut at the prefix's end and a few
 * invalid bytes (a stray Latin-1 byte in a log); undefined for binary (NUL bytes, many control
 * characters or invalid sequences). `latin1` is the prefix read byte by byte, for a page in a
 * single-byte encoding.
 */
const textPrefix = (bytes: Uint8Array): { text: string | undefined; latin1: string | undefined } | undefined => {
  let end = Math.min(bytes.length, PREFIX_BYTES)
  if (end < bytes.length) while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  const prefix = bytes.subarray(0, end)
  let controls = 0
  for (const b of prefix) {
    if (b === 0) return undefined
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 11 && b !== 27) controls++
  }
  if (controls > 0.01 * prefix.length) return undefined
  const text = new TextDecoder().decode(prefix)
  let invalid = 0
  for (let i = text.indexOf("\uFFFD"); i !== -1; i = text.indexOf("\uFFFD", i + 1)) invalid++
  if (invalid === 0) return { text, latin1: undefined }
  const latin1 = new TextDecoder("latin1").decode(prefix)
  return { text: invalid <= Math.max(1, MAX_INVALID_SHARE * text.length) ? text : undefined, latin1 }
}

/**
 * Whether a text starts as JSON does: `{` then a key or `}`, or `[` then a value. A log line such
 * as `[10:58:45] [Server thread/INFO]` starts with a bracket too.
 */
const startsLikeJson = (body: string): boolean => {
  const m = /^([{[])\s*(.)/s.exec(body)
  if (!m) return false
  const next = m[2]!
  if (m[1] === "{") return next === '"' || next === "}"
  if (/[-\d]/.test(next)) return /^\[\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*[,\]]/.test(body)
  return /["{[\]tfn]/.test(next)
}

/** One JSON value per line (structured logs, transcripts, records): its first lines parse on their own. */
const isJsonLines = (body: string): boolean => {
  const lines = body.split("\n", 4).filter((l, i, all) => i < all.length - 1 || l.trim() !== "")
  if (lines.length < 2) return false
  return lines.slice(0, 3).every((line) => {
    try {
      const v: unknown = JSON.parse(line)
      return typeof v === "object" && v !== null
    } catch {
      return false
    }
  })
}

// grep -n / rg -n output: `path:12:text` for matches, `path-13-text` for context lines.
const SEARCH_MATCH = /^(?:\.{0,2}\/)?[\w@.+\/-]+\.\w{1,10}:\d+:/
const SEARCH_CONTEXT = /^(?:\.{0,2}\/)?[\w@.+\/-]+\.\w{1,10}-\d+-/
// grep -r without -n: `dir/file.ext:text` (a path with a directory, so `key: value` does not count).
const SEARCH_NO_NUMBER = /^(?:\.{0,2}\/)?[\w@.+-]+(?:\/[\w@.+-]+)+\.\w{1,10}:/
// rg --heading: numbered lines under a line naming the file.
const HEADING_HIT = /^\d+[:-]/

const share = (lines: ReadonlyArray<string>, test: (line: string) => boolean) =>
  lines.length === 0 ? 0 : lines.filter(test).length / lines.length

/** rg --heading output: numbered hits under lines that name files, and nothing else. */
const isHeadingSearch = (lines: ReadonlyArray<string>): boolean => {
  if (lines.length < 2 || HEADING_HIT.test(lines[0]!) || !HEADING_HIT.test(lines[1]!)) return false
  return share(lines, (l) => HEADING_HIT.test(l) || /^[^\s:]+[/.][^\s:]+$/.test(l)) >= 0.9
}

const isSearch = (lines: ReadonlyArray<string>): boolean => {
  // grep -C puts `--` between groups: neither hit nor evidence against.
  const hits = lines.filter((l) => l !== "--")
  const matches = share(hits, (l) => SEARCH_MATCH.test(l))
  if (matches >= 0.15 && matches + share(hits, (l) => SEARCH_CONTEXT.test(l)) >= 0.6) return true
  return share(lines, (l) => SEARCH_NO_NUMBER.test(l)) >= 0.6 || isHeadingSearch(lines) || isLabelled(lines)
}

const HTML_START = /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype html|html[\s>]|head[\s>]|body[\s>])/i

/** What a text is, from its lines alone (the JSON, diff and HTML checks done). */
const typeOfLines = (lines: ReadonlyArray<string>): ContentType => {
  if (isSearch(lines)) return "search"
  if (isListing(lines)) return "text"
  if (hasLogFields(lines)) return "log"
  const language = codeLanguage(lines)
  const sentences = sentenceShare(lines)
  if (language && sentences < 0.3) return `code:${language}`
  if (hasCodeShape(lines, sentences)) return "code:unknown"
  if (isProse(lines)) return "prose"
  if (repeatsShapes(lines)) return "log"
  return "text"
}

export interface Hints {
  /** The file the content came from, when known: its extension names a language. */
  readonly path?: string | undefined
}

/** A content type, and the envelope around the content when there is one. */
export interface Classified {
  readonly type: ContentType
  readonly envelope?: "numbered" | undefined
}

export const classify = (bytes: Uint8Array, hints: Hints = {}): Classified => {
  const image = imageType(bytes)
  if (image) return { type: image }
  const decoded = textPrefix(bytes)
  // A page in a single-byte encoding (Latin-1, Windows-1252) is not UTF-8, and still a page.
  if (decoded?.latin1 !== undefined && HTML_START.test(decoded.latin1.trimStart())) return { type: "html" }
  if (decoded?.text === undefined) return { type: "binary" }
  const body = decoded.text.replace(/^\uFEFF/, "").trimStart()
  if (body === "") return { type: "text" }
  if (HTML_START.test(body)) return { type: "html" }
  const numbered = openNumbered(body)
  const envelope = numbered ? "numbered" as const : undefined
  const pathLanguage = hints.path ? languageOfPath(hints.path) : undefined
  if (pathLanguage) return { type: `code:${pathLanguage}`, envelope }
  const type = numbered ? typeOfFile(numbered.inner) : typeOfText(body, bytes)
  return { type, envelope }
}

/** A file's type from its text (inside numbered lines): what reads as a few sentences in a file is a text file, not a message. */
const typeOfFile = (text: string): ContentType => {
  const type = typeOfLines(text.split("\n", PREFIX_LINES).filter((l) => l.trim() !== ""))
  return type === "prose" ? "text" : type
}

/** The content type of some bytes, from a bounded prefix (and the path, when given). */
export const detect = (bytes: Uint8Array, hints: Hints = {}): ContentType => classify(bytes, hints).type

/** A text's type: JSON, a diff, or what its lines say. */
const typeOfText = (body: string, bytes: Uint8Array): ContentType => {
  const first = body[0]
  if (body.startsWith('{"type":"begin"') || body.startsWith('{"type":"match"')) return "search" // rg --json
  if ((first === "{" || first === "[") && startsLikeJson(body)) {
    if (isJsonLines(body)) return "json"
    const tail = bytes.length <= PREFIX_BYTES ? body.trimEnd() : new TextDecoder().decode(bytes.subarray(-256)).trimEnd()
    const last = tail[tail.length - 1]
    if ((first === "{" && last === "}") || (first === "[" && last === "]")) {
      if (bytes.length > PREFIX_BYTES) return "json"
      try {
        JSON.parse(body)
        return "json"
      } catch {
        // not JSON after all: fall through
      }
    }
  }
  if (/^(?:diff --git |--- \S[^\n]*\n\+\+\+ \S|Index: \S[^\n]*\n====)/m.test(body.slice(0, 4096)) && /^@@ /m.test(body)) return "diff"
  return typeOfLines(body.split("\n", PREFIX_LINES).filter((l) => l.trim() !== ""))
}

/** The text types a caller may name (`--type`), code in each known language among them. */
export const CONTENT_TYPES: ReadonlyArray<ContentType> = [
  "json", "log", "search", "diff", "html", "prose", "text",
  ...Object.keys(LANGUAGES).map((lang) => `code:${lang}` as const), "code:unknown"
]
