/**
 * The user's question, as every stage reads it: its words (lower-cased runs of letters, digits
 * and `_`, as BM25 counts them) and the whole phrase. One reading, so `--query retry` means the
 * same to crush, logs, search, code and kompress.
 *
 * @example
 * const q = queryOf("connection refused")
 * mentionsAny(q, "Connection reset")      // true: one of its words
 * mentionsAll(q, "refused the connection") // true: all of its words
 *
 * @since 0.2.0
 */

const WORD = /[\p{L}\p{N}_]+/gu

/** Lower-cased words (letters, digits, underscore) of a text. */
export const terms = (text: string): Array<string> => text.toLowerCase().match(WORD) ?? []

export interface Query {
  /** The question as given, trimmed. */
  readonly text: string
  /** Its distinct words, lower case; words of one character say too little to match on. */
  readonly words: ReadonlyArray<string>
  /** The whole question, lower case, for verbatim matches. */
  readonly phrase: string
}

export const queryOf = (text: string | undefined): Query => {
  const trimmed = (text ?? "").trim()
  return { text: trimmed, words: [...new Set(terms(trimmed))].filter((w) => w.length > 1), phrase: trimmed.toLowerCase() }
}

export const isEmptyQuery = (query: Query): boolean => query.words.length === 0

/** Whether a text holds any of the query's words (a body, a file about the question). */
export const mentionsAny = (query: Query, text: string): boolean => {
  if (query.words.length === 0) return false
  const lower = text.toLowerCase()
  return query.words.some((w) => lower.includes(w))
}

/** Whether a text holds the whole question or every one of its words (one line about it). */
export const mentionsAll = (query: Query, text: string): boolean => {
  if (query.words.length === 0) return false
  const lower = text.toLowerCase()
  return lower.includes(query.phrase) || query.words.every((w) => lower.includes(w))
}
