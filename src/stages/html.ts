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
    const html = decodeUtf8(input)
    if (html === undefined) return unchanged(input, "html", "html", "not UTF-8 text")
    const key = keyOf(input)
    const { text, droppedChars } = extract(parseHtml(html))
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
export const htmlStage = (options: HtmlOptions = {}) => wholeInput((bytes) => htmlBytes(bytes, options))
