/**
 * BM25 relevance of documents (items, lines) to a query, with a bonus for documents that contain
 * the whole query verbatim. Used by crush to keep what `--query` asks for and by `ccr-get --query`
 * to fetch a needle without the haystack.
 *
 * @since 0.1.0
 */

import { terms } from "./query.ts"

export { terms }

export interface Scored {
  readonly index: number
  readonly score: number
}

const K1 = 1.2
const B = 0.75

/**
 * Scores every document against the query; documents with no query word score 0.
 * @example rank(["a b", "c d"], "c").filter((s) => s.score > 0) // [{ index: 1, score: … }]
 */
export const score = (documents: ReadonlyArray<string>, query: string): Float64Array => {
  const queryTerms = [...new Set(terms(query))]
  const scores = new Float64Array(documents.length)
  if (queryTerms.length === 0 || documents.length === 0) return scores
  const slot = new Map(queryTerms.map((t, i) => [t, i]))
  const counts: Array<Int32Array | undefined> = new Array(documents.length)
  const lengths = new Int32Array(documents.length)
  const df = new Int32Array(queryTerms.length)
  let totalLength = 0
  documents.forEach((doc, d) => {
    const words = terms(doc)
    lengths[d] = words.length
    totalLength += words.length
    let tf: Int32Array | undefined
    for (const w of words) {
      const i = slot.get(w)
      if (i === undefined) continue
      tf ??= new Int32Array(queryTerms.length)
      if (tf[i] === 0) df[i]!++
      tf[i]!++
    }
    counts[d] = tf
  })
  const avgLength = totalLength / documents.length || 1
  const idf = Array.from(df, (n) => Math.log(1 + (documents.length - n + 0.5) / (n + 0.5)))
  const phrase = query.trim().toLowerCase()
  counts.forEach((tf, d) => {
    if (!tf) return
    let s = 0
    const norm = K1 * (1 - B + (B * lengths[d]!) / avgLength)
    for (let i = 0; i < tf.length; i++) {
      const f = tf[i]!
      if (f > 0) s += (idf[i]! * f * (K1 + 1)) / (f + norm)
    }
    // A verbatim occurrence of a multi-word query outranks scattered words.
    if (queryTerms.length > 1 && documents[d]!.toLowerCase().includes(phrase)) s *= 2
    scores[d] = s
  })
  return scores
}

/**
 * Documents with a positive score, best first (ties: earlier first), at most `limit`, and only
 * those scoring at least `relative` × the best score — a document that shares only a word found
 * everywhere (`req` in `req-7f3a…`) is not a match.
 */
export const rank = (documents: ReadonlyArray<string>, query: string, limit = Infinity, relative = 0): Array<Scored> => {
  const scores = score(documents, query)
  const hits: Array<Scored> = []
  scores.forEach((s, index) => {
    if (s > 0) hits.push({ index, score: s })
  })
  hits.sort((a, b) => b.score - a.score || a.index - b.index)
  const floor = (hits[0]?.score ?? 0) * relative
  return hits.filter((h) => h.score >= floor).slice(0, limit)
}
