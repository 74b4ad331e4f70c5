/**
 * The diff stage: unified diffs (`git diff`, `git log -p`, `diff -u`). File headers, hunk
 * headers and every changed line of a patch are kept; long runs of unchanged context are cut, the
 * hunk being split in two with exact `@@` headers and the file header repeated after the marker
 * (git applies a file's hunks in several sections); lock files, snapshots and minified files are
 * summarised as counts behind one marker. So a patch is still a diff `git apply` accepts, for
 * everything it shows: no line of its hunks is ever shortened, and a cut splits a hunk into two
 * exact ones rather than leaving a hole in it.
 *
 * History (`git log -p`, `git show`: commits with their diffs) is read, not applied. Its long
 * runs of added or removed lines — a new file, a deleted one, a block moved — keep their first
 * and last lines around a marker in place, and the rest of its hunks are kept as in a patch.
 *
 * Lines outside any file's diff (commit messages, notes) that are too long to read keep their
 * head and tail around an in-line marker whose hash returns exactly the middle. The original is
 * stored whole; line markers name their line ranges. A marker that would cost more than what it
 * hides, in bytes or in (estimated) tokens, is not used.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { fewerTokens, lineText, splitLines, worthMarking } from "../core/lines.ts"
import { showLine } from "./long-line.ts"
import { formatCount, render } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { belowMinTokens } from "../core/tokenizer.ts"
import { type FileSection, type Hunk, parseDiff } from "./diff/parse.ts"
import { failOpen } from "./fail-open.ts"
import { wholeInput } from "./input.ts"
import { stage } from "./stage.ts"
import { mentionsAny, queryOf } from "../core/query.ts"

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
/** In history, a run of added (or removed) lines keeps this many first and last lines… */
const FOLD_HEAD = 8
const FOLD_TAIL = 4
/** …when that hides at least this many. */
const FOLD_MIN_HIDDEN = 8
/** A commit header: what makes a diff history rather than a patch. */
const COMMIT = /^commit [0-9a-f]{7,64}\b/

/** Files whose diffs are machine-written: lock files, snapshots, minified and map files. */
const GENERATED =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|Gemfile\.lock|composer\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|go\.sum|flake\.lock|packages\.lock\.json|gradle\.lockfile)$|\.(?:min\.(?:js|css|mjs)|map|snap)$|(?:^|\/)__snapshots__\//

type Item =
  | { readonly kind: "hunk"; readonly header: string | number; readonly body: ReadonlyArray<number> }
  | { readonly kind: "cut"; readonly from: number; readonly to: number; readonly what: string }

/**
 * Splits a hunk at long runs of context: kept sub-hunks with exact headers, and cuts. `worth`
 * says whether hiding lines `from`–`to` (indexes into the input) pays for its marker and the
 * headers repeated after it.
 */
const splitHunk = (
  hunk: Hunk,
  texts: ReadonlyArray<string>,
  path: string,
  worth: (from: number, to: number) => boolean
): Array<Item> => {
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
    if (e - k < MIN_HIDDEN || !worth(body[k]!, body[e - 1]! + 1)) for (let x = k; x < e; x++) keep[x] = true
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

type Shown = { readonly kind: "line"; readonly line: number } | { readonly kind: "fold"; readonly from: number; readonly to: number }

/**
 * A hunk body of history, with each long run of added (or removed) lines cut to its first
 * {@link FOLD_HEAD} and last {@link FOLD_TAIL} lines around a fold; `worth` says whether a fold
 * of lines `from`–`to` pays for its marker.
 */
const foldRuns = (body: ReadonlyArray<number>, texts: ReadonlyArray<string>, worth: (from: number, to: number) => boolean) => {
  const shown: Array<Shown> = []
  for (let k = 0; k < body.length;) {
    const sign = texts[body[k]!]![0]
    let e = k + 1
    if (sign === "+" || sign === "-") while (e < body.length && texts[body[e]!]![0] === sign) e++
    const from = k + FOLD_HEAD
    const to = e - FOLD_TAIL
    const fold = to - from >= FOLD_MIN_HIDDEN && worth(body[from]!, body[to - 1]! + 1)
    for (let x = k; x < e; x++) {
      if (fold && x === from) shown.push({ kind: "fold", from: body[from]!, to: body[to - 1]! + 1 })
      if (!fold || x < from || x >= to) shown.push({ kind: "line", line: body[x]! })
    }
    k = e
  }
  return shown
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

const foldDetail = (first: string, path: string) => `${first[0] === "+" ? "added" : "removed"} lines of ${path}`

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
    const ttlMs = options.ttlMs ?? settings.ttlMs
    const store = yield* Store
    const out: Array<Uint8Array> = []
    let hidden = 0
    let chars = 0
    const history = texts.some((t) => COMMIT.test(t))
    const query = queryOf(options.query)
    const asked = (file: FileSection) => [file.path, ...file.hunks.flatMap((h) => h.body.map((i) => texts[i]!))].some((t) => mentionsAny(query, t))
    const markerText = (from: number, to: number, detail: string) =>
      `${render({ key, count: to - from, unit: "lines", detail, selector: { lines: `${from + 1}-${to}` } })}\n`
    /** True when lines `from`–`to` cost more than their marker and `extra` (headers a cut repeats). */
    const worth = (from: number, to: number, detail: string, extra = "") =>
      worthMarking(markerText(from, to, detail) + extra, Buffer.concat(lines.slice(from, to)))
    const marker = (from: number, to: number, detail: string) => {
      hidden += to - from
      out.push(encoder.encode(markerText(from, to, detail)))
    }
    /** A line outside any file (a commit message, a note), shortened when it is too long to read. */
    const plain = (i: number) =>
      Effect.map(showLine(lines[i]!, undefined, ttlMs), (s) => {
        chars += s.chars
        out.push(s.line)
      })
    for (const block of parseDiff(lines)) {
      if (block.kind === "other") {
        yield* plain(block.line)
        continue
      }
      const first = block.headers[0]!
      const last = block.hunks.at(-1)?.body.at(-1) ?? block.hunks.at(-1)?.header ?? block.headers.at(-1)!
      if (asked(block)) {
        for (let i = first; i <= last; i++) out.push(lines[i]!)
        continue
      }
      if (block.hunks.length > 0 && isGenerated(block, texts) && worth(first, last + 1, changeCounts(block, texts))) {
        marker(first, last + 1, changeCounts(block, texts))
        continue
      }
      // Repeated after a cut, so that git reads the next hunks as a section of the same file.
      const repeat = block.headers.filter((i) => /^(?:diff --git |--- |\+\+\+ )/.test(texts[i]!))
      // What a cut costs besides its marker: the file header again, and a hunk header about as long as the new one.
      const repeated = `${repeat.map((i) => texts[i]!).join("\n")}\n@@ -${lines.length},99 +${lines.length},99 @@\n`
      const what = `unchanged lines of ${block.path}`
      const cutWorth = (from: number, to: number) => worth(from, to, what, repeated)
      const foldWorth = (from: number, to: number) => worth(from, to, foldDetail(texts[from]!, block.path))
      let needHeader = true
      let headersShown = false
      for (const item of block.hunks.flatMap((h) => splitHunk(h, texts, block.path, cutWorth))) {
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
        if (!history) {
          for (const i of item.body) out.push(lines[i]!)
          continue
        }
        for (const shown of foldRuns(item.body, texts, foldWorth)) {
          if (shown.kind === "line") out.push(lines[shown.line]!)
          else marker(shown.from, shown.to, foldDetail(texts[shown.from]!, block.path))
        }
      }
      if (block.hunks.length === 0) for (const i of block.headers) out.push(lines[i]!)
    }
    const output = Buffer.concat(out)
    if ((hidden === 0 && chars === 0) || !fewerTokens(output, input)) return unchanged(input, "diff", "diff", "not-smaller")
    yield* store.put(input, ttlMs)
    return {
      output,
      stage: "diff",
      type: "diff",
      key,
      bytesBefore: input.length,
      bytesAfter: output.length,
      dropped: chars > 0 ? { lines: hidden, chars } : { lines: hidden }
    } satisfies Compressed
  }).pipe(failOpen(input, "diff", "diff"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const diff = (options: DiffOptions = {}) => wholeInput((bytes) => diffBytes(bytes, options))

export const diffStage = stage({
  name: "diff",
  summary: "compress a unified diff: every change kept, long context cut, lock files counted",
  description:
    "Compress a unified diff from stdin (git diff, git log -p, diff -u): file and hunk headers and every changed " +
    "line of a patch are kept; runs of unchanged context are cut (the hunk split with exact @@ headers); lock " +
    "files, snapshots and minified files are summarised as counts; in history (git log -p) long added or removed " +
    "runs keep their ends; files matching --query are shown whole. A patch still applies with git apply.",
  examples: [
    { command: "git diff | headroom diff", description: "a review-sized diff" },
    { command: "git log -p -5 | headroom diff --stats", description: "recent history, with the savings" }
  ],
  handles: (type) => type === "diff",
  options: {},
  run: (input, options) => diffBytes(input, options)
})
