/**
 * The route stage: what kind of content this is, from the content alone, and which compressor
 * handles it. Decides from a bounded prefix, so a large input costs no more than a small one.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { ContentType } from "../core/content.ts"
import { wholeInput } from "./input.ts"

/** Bytes of the input that routing looks at. */
const PREFIX_BYTES = 64 * 1024

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

/** Decodes a prefix as UTF-8, forgiving only a multi-byte character cut at the prefix's end. */
const textPrefix = (bytes: Uint8Array): string | undefined => {
  let end = Math.min(bytes.length, PREFIX_BYTES)
  if (end < bytes.length) while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end))
  } catch {
    return undefined
  }
}

const share = (lines: ReadonlyArray<string>, test: (line: string) => boolean) =>
  lines.length === 0 ? 0 : lines.filter(test).length / lines.length

const TIMESTAMP = /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\[?\d{2}\/\w{3}\/\d{4}|\w{3} [ \d]\d \d{2}:\d{2}:\d{2}|\d{6,8}[ -]\d{6}|\d{2}-\d{2} \d{2}:\d{2}:\d{2}|\[\w{3} \w{3} [ \d]\d)/
const LEVEL = /\b(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE)\b/
// grep -n / rg -n output: `path:12:text` for matches, `path-13-text` for context lines.
const SEARCH_MATCH = /^(?:\.{0,2}\/)?[\w@.+\/-]+\.\w{1,10}:\d+:/
const SEARCH_CONTEXT = /^(?:\.{0,2}\/)?[\w@.+\/-]+\.\w{1,10}-\d+-/
// grep -r without -n: `dir/file.ext:text` (a path with a directory, so `key: value` does not count).
const SEARCH_NO_NUMBER = /^(?:\.{0,2}\/)?[\w@.+-]+(?:\/[\w@.+-]+)+\.\w{1,10}:/
// rg --heading: numbered lines under a line naming the file.
const HEADING_HIT = /^\d+[:-]/
// Test runners' per-test and summary lines.
const TEST_LINE =
  /^\s*(?:[✓✔✗✘×√]|PASS\b|FAIL\b|ok\s|---\s*(?:PASS|FAIL)|=== RUN|test .* \.\.\. (?:ok|FAILED)|Tests? (?:run|Suites|Files)?:|\d+ (?:passing|failing)|(?:PASSED|FAILED|ERROR)\s+\S+::)/
// Syntax only TypeScript has, to tell it from JavaScript.
const TYPESCRIPT_ONLY = /^\s*(?:(?:export )?(?:interface|type|enum|declare) \w|import type )|\w\??: (?:string|number|boolean|unknown|void|Promise<|Array<|Record<|readonly )|\) ?: \w+(?:<[^>]*>)? ?(?:\{|=>)|\bas const\b/

const LANGUAGES: ReadonlyArray<[string, RegExp]> = [
  ["python", /^\s*(?:def \w+\(|class \w+[(:]|import \w|from [\w.]+ import|elif |if __name__|@\w+)/],
  ["javascript", /^\s*(?:(?:export )?(?:const|let|var|function|class) \w|import .* from ['"]|module\.exports|require\(['"]|\}\);?$|=> \{)/],
  ["go", /^\s*(?:package \w+|func (?:\(\w+ \*?\w+\) )?\w+\(|import \(|\w+ := |type \w+ struct \{|if err != nil)/],
  ["rust", /^\s*(?:(?:pub(?:\(crate\))? )?(?:fn|struct|enum|trait|impl|mod|use) |let (?:mut )?\w+|#\[derive|impl<)/],
  ["java", /^\s*(?:(?:public|private|protected) (?:static )?(?:final )?[\w<>\[\]]+ \w+\s*[({=;]|package [\w.]+;|import (?:static )?[\w.]+;|@Override)/],
  ["cpp", /^\s*(?:#include [<"]|(?:std::|template ?<|namespace \w+|class \w+ (?:final )?[:{]|#define |#ifndef |(?:const )?\w+(?:::\w+)+\())/]
]

// Comment lines say nothing about the language and can fill a file's first hundreds of lines.
const COMMENT = /^\s*(?:\/\/|\/\*|\*|#(?!include|define|if|endif|pragma|\[|!)|--|<!--)/

const codeLanguage = (allLines: ReadonlyArray<string>): string | undefined => {
  const lines = allLines.filter((l) => !COMMENT.test(l))
  let best: string | undefined
  let bestShare = 0
  for (const [lang, pattern] of LANGUAGES) {
    const s = share(lines, (l) => pattern.test(l))
    if (s > bestShare) [best, bestShare] = [lang, s]
  }
  if (bestShare < 0.08) return undefined
  if (best === "javascript" && share(lines, (l) => TYPESCRIPT_ONLY.test(l)) >= 0.01) return "typescript"
  return best
}

/** One JSON value per line (structured logs, transcripts): its first two lines parse on their own. */
const isJsonLines = (body: string): boolean => {
  const lines = body.split("\n", 3)
  if (lines.length < 2 || lines[1]!.trim() === "") return false
  try {
    JSON.parse(lines[0]!)
    JSON.parse(lines[1]!)
    return true
  } catch {
    return false
  }
}

/** rg --heading output: numbered hits under lines that name files, and nothing else. */
const isHeadingSearch = (lines: ReadonlyArray<string>): boolean => {
  if (lines.length < 2 || HEADING_HIT.test(lines[0]!) || !HEADING_HIT.test(lines[1]!)) return false
  return share(lines, (l) => HEADING_HIT.test(l) || /^[^\s:]+[/.][^\s:]+$/.test(l)) >= 0.9
}

/** The content type of some bytes, from a bounded prefix. */
export const detect = (bytes: Uint8Array): ContentType => {
  const image = imageType(bytes)
  if (image) return image
  const text = textPrefix(bytes)
  if (text === undefined || text.includes("\u0000")) return "binary"
  const body = text.replace(/^\uFEFF/, "").trimStart()
  if (body === "") return "text"
  const first = body[0]
  if (body.startsWith('{"type":"begin"') || body.startsWith('{"type":"match"')) return "search" // rg --json
  if (first === "{" || first === "[") {
    if (isJsonLines(body)) return "log"
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
  if (/^<(?:!doctype html|html[\s>]|head[\s>]|body[\s>])/i.test(body)) return "html"
  const lines = body.split("\n", 400).filter((l) => l.trim() !== "")
  // grep -C puts `--` between groups: neither hit nor evidence against.
  const hits = lines.filter((l) => l !== "--")
  const matches = share(hits, (l) => SEARCH_MATCH.test(l))
  if (matches >= 0.15 && matches + share(hits, (l) => SEARCH_CONTEXT.test(l)) >= 0.6) return "search"
  if (share(lines, (l) => SEARCH_NO_NUMBER.test(l)) >= 0.6) return "search"
  if (isHeadingSearch(lines)) return "search"
  if (share(lines, (l) => TIMESTAMP.test(l) || LEVEL.test(l)) >= 0.4) return "log"
  if (share(lines, (l) => TEST_LINE.test(l)) >= 0.2) return "log"
  const lang = codeLanguage(lines)
  if (lang) return `code:${lang}`
  return "text"
}

const COMPRESSORS: Partial<Record<ContentType, string>> = {
  json: "crush",
  log: "logs",
  search: "search",
  diff: "diff",
  html: "html",
  text: "kompress"
}

const CODE_LANGUAGES = new Set(["python", "javascript", "typescript", "tsx", "go", "rust", "java", "cpp"])

/** The compressor `compress` uses for a type; undefined where input passes through (images, binary). */
export const compressorFor = (type: ContentType): string | undefined =>
  type.startsWith("code:") ? CODE_LANGUAGES.has(type.slice(5)) ? "code" : undefined : COMPRESSORS[type]

export interface Route {
  readonly type: ContentType
  readonly compressor: string | undefined
  readonly bytes: number
}

export const routeBytes = (bytes: Uint8Array): Route => {
  const type = detect(bytes)
  return { type, compressor: compressorFor(type), bytes: bytes.length }
}

/** The stream stage: reads its input, emits one {@link Route}. */
export const route = wholeInput((bytes) => Effect.succeed(routeBytes(bytes)))
