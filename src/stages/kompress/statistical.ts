/**
 * The fast scorer: no model, just what carries little information in English prose. Function
 * words (articles, auxiliaries, prepositions, pronouns, fillers) are dropped; everything that
 * carries a fact is kept: numbers, names, identifiers, paths, URLs, negations, query words
 * and every content word.
 *
 * @since 0.1.0
 */
import type { Line } from "./words.ts"
import { queryOf } from "../../core/query.ts"

// Words whose loss does not change what a sentence says: articles, auxiliaries, pronouns,
// plain prepositions, fillers. Words that carry logic stay: negations, quantifiers (all, some,
// most, enough), conditions and contrasts (if, when, where, unless, because, or, but, than), order
// (before, after, until, now), modals (may, must, should), wants and needs, and the adjectives a
// sentence can turn on ("is not available").
const FUNCTION_WORDS = new Set(`
a an the this that these those there here it its itself they them their theirs we us our ours you your yours
he him his she her hers i me my mine someone something
is are was were be been being am has have had having do does did doing
of to in on at for with by from as into onto about via per
and so then which who whom whose what
very really just also quite simply basically actually rather fairly pretty somewhat merely indeed thus hence
therefore however moreover furthermore additionally meanwhile likewise besides anyway anyhow sometimes usually
generally typically often
get gets got getting make makes made making let lets
it's that's there's here's what's let's i'm i've i'll i'd we're we've we'll we'd you're you've you'll you'd they're
they've they'll it'll he's she's who's
way ways able thing things lot lots
within example right know follows following
various certain particular specific given respective appropriate relevant actual whole entire basic simple general
common usual typical important
please will shall
`.split(/\s+/).filter(Boolean))

/** Nouns that only say what kind of thing the identifier next to them is: "the file src/a.ts". */
const KIND_NOUNS = new Set("file files function method variable field value key property parameter argument directory folder path".split(" "))

/** Words that are filler only next to another: "note that", "make sure", "much easier". */
const FILLER_BEFORE: ReadonlyMap<string, RegExp> = new Map([["note", /^that$/i], ["much", /^(?:\w+er|more|less)$/i]])
const FILLER_AFTER: ReadonlyMap<string, RegExp> = new Map([["sure", /^mak(?:e|es|ing)$/i]])

/** Manner adverbs (easily, entirely, simply…) colour a sentence without changing its facts. */
const MANNER_ADVERB = /^[a-z]{3,}ly$/
/** Words ending in -ly that are not manner adverbs, or that carry logic or time. */
const KEEP_LY = new Set(`only likely unlikely early daily weekly monthly yearly hourly family reply apply supply rely ally
assembly anomaly july italy butterfly belly bully holy jelly lily silly ugly friendly lonely lovely elderly costly timely
directly indirectly incorrectly correctly properly successfully partially fully completely nearly exactly approximately
roughly mostly explicitly implicitly automatically manually locally remotely globally previously currently recently
immediately eventually finally initially originally temporarily permanently`.split(/\s+/))

/** Negations change meaning: never dropped. */
const NEGATION = /^(?:not|no|never|none|nothing|nobody|nowhere|neither|nor|cannot|without|unless|cant|can't|won't|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|shouldn't|wouldn't|couldn't|mustn't|hasn't|haven't|hadn't)$|n[’']t$/i

/** Numbers, identifiers (snake_case, camelCase, dotted, paths, CONSTANTS, ::), versions. */
export const IS_FACT = /\d|[_/\\:@#]|\.\w|[a-z][A-Z]|^[A-Z]{2,}/

/** Numbers written as words are numbers. */
const NUMBER_WORDS = new Set(`zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
million billion trillion half twice once dozen first second third fourth fifth last`.split(/\s+/))

/** The numbers, identifiers and URLs of a text: what no compression of it may lose. */
export const factsOf = (text: string): Array<string> =>
  text.match(/\bhttps?:\/\/[^\s)>\]]+|[\p{L}\p{N}_](?:[\p{L}\p{N}_'’\-./:@#]*[\p{L}\p{N}_])?/gu)?.filter((w) => IS_FACT.test(w) || /^https?:/.test(w)) ?? []

/** Words every scorer keeps: facts, numbers, negations and the query's words. */
export const isProtected = (word: string, queryWords: ReadonlySet<string>): boolean =>
  IS_FACT.test(word) || NEGATION.test(word) || NUMBER_WORDS.has(word.toLowerCase()) || queryWords.has(word.toLowerCase())

export const queryWordsOf = (query: string | undefined): ReadonlySet<string> => new Set(queryOf(query).words)

/**
 * What a word is, whatever its place: protected (true), droppable (false), a content word
 * (undefined), or a word whose fate its neighbours decide ("context").
 */
const verdictOf = (w: string, queryWords: ReadonlySet<string>): boolean | undefined | "context" => {
  if (isProtected(w, queryWords)) return true
  const lower = w.toLowerCase().replace(/’/g, "'")
  if (FUNCTION_WORDS.has(lower) || (MANNER_ADVERB.test(lower) && !KEEP_LY.has(lower))) return false
  if (KIND_NOUNS.has(lower) || FILLER_BEFORE.has(lower) || FILLER_AFTER.has(lower)) return "context"
  return undefined
}

type Part = Line["parts"][number]

const isIdentifier = (part: Part | undefined): boolean => part?.word === true && IS_FACT.test(part.text) && !/^\d+$/.test(part.text)

/** Whether a word that depends on its neighbours is filler where it stands. */
const fillerHere = (parts: ReadonlyArray<Part>, i: number): boolean => {
  const lower = parts[i]!.text.toLowerCase()
  const previous = parts[i - 1]?.text ?? ""
  const next = parts[i + 1]?.text ?? ""
  if (FILLER_BEFORE.get(lower)?.test(next) && !/^(?:how|too|as|so)$/i.test(previous)) return true
  if (FILLER_AFTER.get(lower)?.test(previous)) return true
  return KIND_NOUNS.has(lower) &&
    (isIdentifier(parts[i + 1]) || isIdentifier(parts[i - 1]) || (/^of$/i.test(next) && isIdentifier(parts[i + 2])))
}

export const keepStatistical = (lines: ReadonlyArray<Line>, query: string | undefined): Array<Array<boolean>> => {
  const queryWords = queryWordsOf(query)
  // Most words recur: each distinct word is judged once.
  const verdicts = new Map<string, boolean | undefined | "context">()
  return lines.map((line) =>
    line.parts.map((p, i) => {
      if (!p.word) return p.text !== "," // commas cost tokens and say little
      const w = p.text
      let verdict = verdicts.get(w)
      if (verdict === undefined && !verdicts.has(w)) verdicts.set(w, verdict = verdictOf(w, queryWords))
      if (verdict === true) return true
      // Part of a hyphenated compound (per-item, built-in): dropping it would leave a stray hyphen.
      const next = line.parts[i + 1]
      const before = line.parts[i - 1]
      if ((next?.text === "-" && next.space === "") || (before?.text === "-" && p.space === "")) return true
      // A capitalised word inside a sentence is a name.
      const first = w.charCodeAt(0)
      const upper = first < 128 ? first >= 65 && first <= 90 : /^\p{Lu}/u.test(w)
      if (upper && before !== undefined && !/^[.!?:]$/.test(before.text)) return true
      if (verdict === "context") return !fillerHere(line.parts, i)
      return verdict !== false
    })
  )
}
