/**
 * The diff stage: unified diffs (`git diff`, `git log -p`, `diff -u`). File headers, hunk
 * headers and every changed line are kept; long runs of unchanged context are cut, the hunk
 * being split in two with exact `@@` headers and the file header repeated after the marker (git
 * applies a file's hunks in several sections); lock files, snapshots and minified files are
 * summarised as counts behind one marker. So the output is still a diff `git apply` accepts,
 * for everything it shows. The original is stored whole; markers name their line ranges.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { lineText, splitLines } from "../core/lines.ts"
import { formatCount, render } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { belowMinTokens } from "../core/tokenizer.ts"
import { type FileSection, type Hunk, parseDiff } from "./diff/parse.ts"
import { failOpen } from "./fail-open.ts"
import { wholeInput } from "./input.ts"
import { finishLines } from "./result.ts"

export interface DiffOptions {
  /** Files whose path or changed lines contain a word of it are shown whole. */
  readonly query?: string | undefined
  readonly ttlMs?: number | undefined
}

/** Unchanged lines kept next to each change, as git does by default. */
const KEEP_CONTEXT = 3
/** A run of context is cut only when that hides at least this many lines. */
const MIN_HIDDEN = 8
/** A changed line longer than this marks the file as minified. */
const MINIFIED_LINE = 1000

/** Files whose diffs are machine-written: lock files, snapshots, minified and map files. */
const GENERATED =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|Gemfile\.lock|composer\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|go\.sum|flake\.lock|packages\.lock\.json|gradle\.lockfile)$|\.(?:min\.(?:js|css|mjs)|map|snap)$|(?:^|\/)__snapshots__\//

type Item =
  | { readonly kind: "hunk"; readonly header: string | number; readonly body: ReadonlyArray<number> }
  | { readonly kind: "cut"; readonly from: number; readonly to: number; readonly what: string }

/** Splits a hunk at long runs of context: kept sub-hunks with exact headers, and cuts. */
const splitHunk = (hunk: Hunk, texts: ReadonlyArray<string>, path: string): Array<Item> => {
  const body = hunk.body
  const isContext = body.map((i) => texts[i]![0] === " " || texts[i] === "")
  const keep = body.map((_, k) => !isContext[k])
  // Keep KEEP_CONTEXT lines on each side of every change; mark the rest of each context run.
  for (let k = 0; k < body.length; k++) {
    if (isContext[k]) continue
    for (let d = 1; d <= KEEP_CONTEXT; d++) {
      if (k - d >= 0) keep[k - d] = true
      if (k + d < body.length) keep[k + d] = true
    }
  }
  // Only runs that hide enough are cut.
  for (let k = 0; k < body.length;) {
    if (keep[k]) {
      k++
      continue
    }
    let e = k
    while (e < body.length && !keep[e]) e++
    if (e - k < MIN_HIDDEN) for (let x = k; x < e; x++) keep[x] = true
    k = e
  }
  if (keep.every(Boolean)) return [{ kind: "hunk", header: hunk.header, body }]

  const items: Array<Item> = []
  let oldLine = hunk.oldStart
  let newLine = hunk.newStart
  let first = true
  for (let k = 0; k < body.length;) {
    const start = k
    const segmentOld = oldLine
    const segmentNew = newLine
    let oldCount = 0
    let newCount = 0
    const keeping = keep[k]
    while (k < body.length && keep[k] === keeping) {
      const c = texts[body[k]!]![0]
      if (isContext[k]) {
        oldCount++
        newCount++
      } else if (c === "-") oldCount++
      else if (c === "+") newCount++
      k++
    }
    oldLine += oldCount
    newLine += newCount
    if (keeping) {
      const range = (s: number, n: number) => n === 1 ? `${s}` : `${n === 0 ? s - 1 : s},${n}`
      const header = `@@ -${range(segmentOld, oldCount)} +${range(segmentNew, newCount)} @@${first ? hunk.section : ""}`
      items.push({ kind: "hunk", header, body: body.slice(start, k) })
      first = false
    } else items.push({ kind: "cut", from: body[start]!, to: body[k - 1]! + 1, what: `unchanged lines of ${path}` })
  }
  return items
}

const isGenerated = (file: FileSection, texts: ReadonlyArray<string>) =>
  GENERATED.test(file.path) || file.hunks.some((h) => h.body.some((i) => texts[i]!.length > MINIFIED_LINE))

const changeCounts = (file: FileSection, texts: ReadonlyArray<string>) => {
  let added = 0
  let removed = 0
  for (const h of file.hunks) {
    for (const i of h.body) {
      if (texts[i]![0] === "+") added++
      else if (texts[i]![0] === "-") removed++
    }
  }
  const hunks = file.hunks.length
  return `diff of ${file.path}: +${formatCount(added)} −${formatCount(removed)} in ${formatCount(hunks)} hunk${hunks === 1 ? "" : "s"}`
}

const encoder = new TextEncoder()

export const diffBytes = (
  input: Uint8Array,
  options: DiffOptions = {}
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    if (belowMinTokens(input, settings.minTokens)) return unchanged(input, "diff", "diff", "below-threshold")
    const lines = splitLines(input)
    const texts = lines.map(lineText)
    const key = keyOf(input)
    const out: Array<Uint8Array> = []
    let hidden = 0
    const words = (options.query ?? "").toLowerCase().split(/\s+/).filter(Boolean)
    const asked = (file: FileSection) =>
      words.length > 0 &&
      [file.path, ...file.hunks.flatMap((h) => h.body.map((i) => texts[i]!))].some((t) => words.some((w) => t.toLowerCase().includes(w)))
    const marker = (from: number, to: number, detail: string) => {
      hidden += to - from
      out.push(encoder.encode(`${render({ key, count: to - from, unit: "lines", detail, selector: { lines: `${from + 1}-${to}` } })}\n`))
    }
    for (const block of parseDiff(lines)) {
      if (block.kind === "other") {
        out.push(lines[block.line]!)
        continue
      }
      const first = block.headers[0]!
      const last = block.hunks.at(-1)?.body.at(-1) ?? block.hunks.at(-1)?.header ?? block.headers.at(-1)!
      if (asked(block)) {
        for (let i = first; i <= last; i++) out.push(lines[i]!)
        continue
      }
      if (block.hunks.length > 0 && isGenerated(block, texts)) {
        marker(first, last + 1, changeCounts(block, texts))
        continue
      }
      // Repeated after a cut, so that git reads the next hunks as a section of the same file.
      const repeat = block.headers.filter((i) => /^(?:diff --git |--- |\+\+\+ )/.test(texts[i]!))
      let needHeader = true
      let headersShown = false
      for (const item of block.hunks.flatMap((h) => splitHunk(h, texts, block.path))) {
        if (item.kind === "cut") {
          marker(item.from, item.to, item.what)
          needHeader = true
          continue
        }
        if (needHeader) {
          for (const i of headersShown ? repeat : block.headers) out.push(lines[i]!)
          headersShown = true
          needHeader = false
        }
        out.push(typeof item.header === "number" ? lines[item.header]! : encoder.encode(`${item.header}\n`))
        for (const i of item.body) out.push(lines[i]!)
      }
      if (block.hunks.length === 0) for (const i of block.headers) out.push(lines[i]!)
    }
    return yield* finishLines(input, "diff", "diff", out, hidden, options.ttlMs ?? settings.ttlMs)
  }).pipe(failOpen(input, "diff", "diff"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const diff = (options: DiffOptions = {}) => wholeInput((bytes) => diffBytes(bytes, options))
