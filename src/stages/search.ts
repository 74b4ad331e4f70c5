/**
 * The search stage: grep / ripgrep results, grouped by file. Repeated and near-repeated matches
 * of a file are shown once; files are ranked against the query (else kept in their order) and
 * the best are shown, a few lines each, within a budget; every other line is behind a marker
 * that names each file it hides with how many of its lines — every file that matched stays
 * named. With a query, the most relevant files are shown whole. Kept lines are the input's lines,
 * byte for byte; `ccr-get HASH --lines A-B` returns a marker's lines. A kept line too long to read
 * (a match in a minified bundle) keeps its head and tail — and, with a query, the place it
 * matches — around in-line markers whose hashes return exactly the characters left out. A marker
 * that would cost more than what it hides, in bytes or in (estimated) tokens, is not used.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { rank } from "../core/bm25.ts"
import { Config } from "../core/config.ts"
import { type Compressed, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { fewerTokens, splitLines, worthMarking } from "../core/lines.ts"
import { showLine } from "./long-line.ts"
import { formatCount, render } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { template } from "../core/template.ts"
import { belowMinTokens } from "../core/tokenizer.ts"
import { failOpen } from "./fail-open.ts"
import { wholeInput } from "./input.ts"
import { type Entry, parseEntries } from "./search/parse.ts"
import { stage } from "./stage.ts"
import { queryOf } from "../core/query.ts"

export interface SearchOptions {
  readonly query?: string | undefined
  readonly ttlMs?: number | undefined
}

/** Lines shown in all: a tenth of the input, at least this many. */
const MIN_BUDGET = 30
const BUDGET_SHARE = 0.1
/** Distinct matches shown per file. */
const PER_FILE = 6

interface FileGroup {
  readonly name: string
  readonly lines: Array<number>
}

/** Which input lines to show. */
const choose = (entries: ReadonlyArray<Entry>, query: string | undefined): Uint8Array => {
  const show = new Uint8Array(entries.length)
  const files = new Map<string, FileGroup>()
  entries.forEach((e, i) => {
    if (e.file === undefined) {
      if (e.kind === "other" && e.text.trim() !== "--" && e.text.trim() !== "") show[i] = 1 // summaries, notes
      return
    }
    let group = files.get(e.file)
    if (!group) files.set(e.file, group = { name: e.file, lines: [] })
    group.lines.push(i)
  })
  const matchCount = entries.filter((e) => e.kind === "match").length
  let budget = Math.max(MIN_BUDGET, Math.ceil(BUDGET_SHARE * matchCount))

  let order = [...files.values()]
  const lineScore = new Map<number, number>()
  // Files most relevant to the query are shown whole (repeats still folded), budget allowing.
  const whole = new Set<FileGroup>()
  if (query) {
    const docs = order.map((f) => `${f.name} ${f.lines.map((i) => entries[i]!.text).join(" ")}`)
    const ranked = rank(docs, query)
    const scored = new Set(ranked.map((r) => r.index))
    for (const r of ranked) if (r.score >= 0.5 * ranked[0]!.score) whole.add(order[r.index]!)
    order = [...ranked.map((r) => order[r.index]!), ...order.filter((_, i) => !scored.has(i))]
    const matchLines = entries.flatMap((e, i) => e.kind === "match" ? [i] : [])
    for (const r of rank(matchLines.map((i) => entries[i]!.text), query)) lineScore.set(matchLines[r.index]!, r.score)
  }

  for (const file of order) {
    if (budget <= 0) break
    // The file's own header line (rg --heading, rg --json "begin") goes with its first shown line.
    const header = file.lines.find((i) => entries[i]!.kind === "file")
    const matches = file.lines.filter((i) => entries[i]!.kind === "match")
    const byRelevance = query ? [...matches].sort((a, b) => (lineScore.get(b) ?? 0) - (lineScore.get(a) ?? 0) || a - b) : matches
    const seen = new Set<string>()
    let shown = 0
    for (const i of byRelevance) {
      if ((shown >= PER_FILE && !whole.has(file)) || budget <= 0) break
      const shape = template(entries[i]!.text.trim())
      if (seen.has(shape)) continue // a repeat or near-repeat of a line already shown
      seen.add(shape)
      show[i] = 1
      shown++
      budget--
    }
    if (shown > 0 && header !== undefined) show[header] = 1
  }
  return show
}

const encoder = new TextEncoder()

/** Names the files a run of hidden lines belongs to, with how many of their lines it hides. */
const filesIn = (entries: ReadonlyArray<Entry>, from: number, to: number): string => {
  const counts = new Map<string, number>()
  for (let i = from; i < to; i++) {
    const e = entries[i]!
    if (e.file !== undefined && e.kind !== "file") counts.set(e.file, (counts.get(e.file) ?? 0) + 1)
  }
  const names = [...counts].map(([file, n]) => `${file} (${formatCount(n)})`)
  return names.length === 0 ? "" : `in ${names.join(", ")}`
}

/** Compresses search results; the original is stored whole and markers name line ranges. */
export const searchBytes = (
  input: Uint8Array,
  options: SearchOptions = {}
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    if (belowMinTokens(input, settings.minTokens)) return unchanged(input, "search", "search", "below-threshold")
    const lines = splitLines(input)
    const entries = parseEntries(lines)
    const show = choose(entries, options.query)
    const key = keyOf(input)
    const ttlMs = options.ttlMs ?? settings.ttlMs
    const store = yield* Store
    const query = queryOf(options.query)
    const out: Array<Uint8Array> = []
    let hidden = 0
    let chars = 0
    /** A line as shown: whole, or its head and tail (and the query's place) around markers once the rest is stored. */
    const shown = (line: Uint8Array) =>
      Effect.map(showLine(line, query, ttlMs), (s) => {
        chars += s.chars
        return s.line
      })
    for (let i = 0; i < lines.length;) {
      if (show[i]) {
        out.push(yield* shown(lines[i]!))
        i++
        continue
      }
      let j = i
      while (j < lines.length && !show[j]) j++
      const detail = filesIn(entries, i, j)
      const marker = `${render({ key, count: j - i, unit: "lines", detail: detail || undefined, selector: { lines: `${i + 1}-${j}` } })}\n`
      const run = lines.slice(i, j)
      if (worthMarking(marker, Buffer.concat(run))) {
        out.push(encoder.encode(marker))
        hidden += j - i
      } else out.push(...run)
      i = j
    }
    const output = Buffer.concat(out)
    if ((hidden === 0 && chars === 0) || !fewerTokens(output, input)) return unchanged(input, "search", "search", "not-smaller")
    yield* store.put(input, ttlMs)
    return {
      output,
      stage: "search",
      type: "search",
      key,
      bytesBefore: input.length,
      bytesAfter: output.length,
      dropped: chars > 0 ? { lines: hidden, chars } : { lines: hidden }
    } satisfies Compressed
  }).pipe(failOpen(input, "search", "search"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const search = (options: SearchOptions = {}) => wholeInput((bytes) => searchBytes(bytes, options))

export const searchStage = stage({
  name: "search",
  summary: "compress grep/rg results: files grouped, repeats folded, every file named",
  description:
    "Compress search results from stdin (grep -rn, grep -r, rg, rg --heading, rg --json): matches are grouped by " +
    "file, repeated and near-repeated lines shown once, files ranked against --query, and the best shown a few " +
    "lines each; very long lines keep their head and tail. Every other line is behind a marker that names each " +
    "file it hides with its count of lines.",
  examples: [
    { command: "grep -rn 'TODO' src | headroom search", description: "a long grep, shortened" },
    { command: "rg -n fetchUser | headroom search --query 'retry'", description: "rank files and lines by a question" }
  ],
  handles: (type) => type === "search",
  keepsLines: true,
  options: {},
  run: (input, options) => searchBytes(input, options)
})
