/**
 * Prose: sentences and paragraphs of natural language — the only text kompress may shorten. A
 * line reads as a sentence when it is mostly plain words, holds the small words every English
 * sentence has, and has almost none of the symbols of code, paths, tables or commands. Markdown
 * is prose when its paragraphs and list items are (its code blocks are left aside).
 *
 * @since 0.2.0
 */

/** Words that nearly every English sentence holds and code, logs and lists rarely do. */
const FUNCTION_WORDS = new Set(
  "the a an of to in is are was were be been and or but for that this with on it as by not from at which can will you we they if when there their has have had should would could may must than then so into".split(" ")
)
/** Characters of code, tables and commands (a path or an identifier in a sentence is fine). */
const SYMBOLS = /[{}[\]<>=;|\\$@#^~]/g
const WORD = /^[("'“‘]?[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’-]*[)"'”’.,;:!?]*$/
/** List, quote and heading markers before a line's text. */
const PREFIX = /^\s*(?:[-*+]\s+|\d+[.)]\s+|>\s?|#{1,6}\s+)*/

/** Whether a line reads as a sentence (or part of one, in a wrapped paragraph). */
export const isSentence = (line: string): boolean => {
  const text = line.replace(PREFIX, "").trim()
  // Inline code spans, links and emphasis are part of prose; their insides are not words.
  const plain = text.replace(/`[^`]*`/g, "code").replace(/\bhttps?:\/\/\S+/g, "link").replace(/\*\*|__|\*(?=\w)|(?<=\w)\*/g, "")
  const tokens = plain.split(/\s+/).filter(Boolean)
  // A line that starts with an id, a number or a path is a record (`0629d16 fix: …`), not a sentence.
  if (tokens.length < 5 || !WORD.test(tokens[0]!)) return false
  let words = 0
  let small = 0
  for (const t of tokens) {
    if (WORD.test(t)) words++
    if (FUNCTION_WORDS.has(t.toLowerCase().replace(/[^a-z]/g, ""))) small++
  }
  const symbols = plain.match(SYMBOLS)?.length ?? 0
  return words >= 0.75 * tokens.length && small >= 1 && small >= 0.1 * tokens.length && symbols <= 0.02 * plain.length
}

/** Lines that sit inside fenced code blocks, which prose may hold. */
const outsideFences = (lines: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  let fence = false
  for (const line of lines) {
    if (/^\s*(?:```|~~~)/.test(line)) fence = !fence
    else if (!fence) out.push(line)
  }
  return out
}

/** Share of non-blank lines (fenced code aside) that read as sentences. */
export const sentenceShare = (lines: ReadonlyArray<string>): number => {
  const text = outsideFences(lines).filter((l) => !/^\s*#{1,6}\s/.test(l))
  return text.length === 0 ? 0 : text.filter(isSentence).length / text.length
}

/** Whether non-blank lines are prose: most of them read as sentences, and there are a few. */
export const isProse = (lines: ReadonlyArray<string>): boolean => {
  const text = outsideFences(lines).filter((l) => !/^\s*#{1,6}\s/.test(l))
  return text.filter(isSentence).length >= 3 && sentenceShare(lines) >= 0.6
}
