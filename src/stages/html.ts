/**
 * The html stage: a page's main content as readable text — headings, paragraphs, lists, links
 * with their targets, tables and code blocks — without scripts, styles, navigation and other
 * page chrome; its prose shortened as kompress does (headings, code and tables untouched). Chrome is counted; a marker stands where a sizeable block of it was, and one at
 * the top counts the rest of the page outside the main content. The original is stored.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, decodeUtf8, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { render } from "../core/marker.ts"
import type { Store } from "../core/store.ts"
import { belowMinTokens } from "../core/tokenizer.ts"
import { failOpen } from "./fail-open.ts"
import { extract } from "./html/extract.ts"
import { parseHtml } from "./html/parse.ts"
import { wholeInput } from "./input.ts"
import { finishText } from "./result.ts"
import { shorten } from "./kompress.ts"
import { keepStatistical } from "./kompress/statistical.ts"
import { splitProse } from "./kompress/words.ts"
import { stage } from "./stage.ts"

export interface HtmlOptions {
  /** Words of the query are never dropped from the prose. */
  readonly query?: string | undefined
  readonly ttlMs?: number | undefined
}

export const htmlBytes = (
  input: Uint8Array,
  options: HtmlOptions = {}
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    if (belowMinTokens(input, settings.minTokens)) return unchanged(input, "html", "html", "below-threshold")
    // A page that is not UTF-8 is in a single-byte encoding (Latin-1, Windows-1252): read it as such.
    const page = decodeUtf8(input) ?? new TextDecoder("windows-1252").decode(input)
    const key = keyOf(input)
    const { text, droppedChars } = extract(parseHtml(page))
    // The prose of the main content is shortened as kompress does; headings, code and tables stay.
    const lines = splitProse(text)
    const { text: short, dropped: words } = shorten(lines, keepStatistical(lines, options.query))
    const marker = (count: number, unit: "chars" | "words", what: string) => render({ key, count, unit, detail: what })
    const body = short.replace(/\u0000(\d+)/g, (_m, n: string) => marker(Number(n), "chars", "navigation or sidebar"))
    const top = droppedChars > 0 ? `${marker(droppedChars, "chars", "page chrome in all: scripts, styles, navigation, headers, footers")}\n\n` : ""
    const end = words > 0 ? `\n${marker(words, "words", "low-information words of the prose")}` : ""
    const output = `${top}${body.trimEnd()}\n${end}\n`
    return yield* finishText(input, "html", "html", output, { chars: droppedChars, words }, options.ttlMs ?? settings.ttlMs)
  }).pipe(failOpen(input, "html", "html"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const html = (options: HtmlOptions = {}) => wholeInput((bytes) => htmlBytes(bytes, options))

export const htmlStage = stage({
  name: "html",
  summary: "an HTML page's main content as readable text; scripts, styles and navigation left out",
  description:
    "Extract the main content of an HTML page from stdin (<main>, else role=main, else the largest <article>, " +
    "else <body>) as readable text: headings, paragraphs, lists, links with their targets, tables and code " +
    "blocks; scripts, styles, navigation, sidebars, headers, footers and forms are left out and counted. The " +
    "prose is shortened as kompress does (--query words always kept); headings and code stay as they are. " +
    "UTF-8, Latin-1 and Windows-1252 pages are read.",
  examples: [
    { command: "curl -s https://doc.rust-lang.org/std/collections/struct.HashMap.html | headroom html", description: "a documentation page, read" },
    { command: "headroom html --stats < page.html > page.md", description: "and the savings" }
  ],
  handles: (type) => type === "html",
  options: {},
  run: (input, options) => htmlBytes(input, options)
})
