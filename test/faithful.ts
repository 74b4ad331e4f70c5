/**
 * What "faithful" means, checked on a compressor's output: every line that is not a marker is the
 * input's next line, byte for byte (indentation included); every line marker returns exactly the
 * lines it stands for; every run of lines kompress shortened is followed by a words marker whose
 * lines are exactly the originals of that run, each shortened line holding only words of its
 * original, in order; a marker inside a line (a long line cut) returns exactly the middle it cuts.
 * Written apart from the stages' own code, so a test of a stage does not check it against itself.
 */
import { Effect } from "effect"
import { parseAll } from "../src/core/marker.ts"
import { Store } from "../src/core/store.ts"

const linesOf = (text: string): Array<string> => text.match(/[^\n]*\n|[^\n]+$/g) ?? []

/** The stored original behind a marker, or the lines of it its `lines=A-B` selector names. */
const fetch = (key: string, range: string | undefined) =>
  Effect.gen(function*() {
    // Buffer keeps a byte-order mark; TextDecoder would drop it.
    const whole = Buffer.from(yield* (yield* Store).get(key)).toString("utf8")
    if (!range) return whole
    const [a, b] = range.split("-").map(Number) as [number, number]
    return linesOf(whole).slice(a - 1, b).join("")
  })

/** A line's words, without the punctuation around them (kompress keeps a mark when it drops the word before it). */
const words = (line: string) => line.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}`]+|[^\p{L}\p{N}`]+$/gu, "")).filter(Boolean)

/** Whether `short` holds only words of `long`, in order (commas may go). */
const isShortening = (short: string, long: string): boolean => {
  const from = words(long)
  let at = 0
  for (const w of words(short)) {
    while (at < from.length && from[at] !== w) at++
    if (at === from.length) return false
    at++
  }
  return true
}

/**
 * Checks an output against its input; returns the problems found (none when faithful). The store
 * must hold what the output's markers point at.
 */
export const unfaithful = (input: string, output: string) =>
  Effect.gen(function*() {
    const source = linesOf(input)
    const problems: Array<string> = []
    // Output lines since the last marker, each with the input line it equals (if it is the next one).
    let recent: Array<{ line: string; from: number; kept: boolean }> = []
    let at = 0
    const settle = () => {
      const stray = recent.filter((r) => !r.kept)
      if (stray.length > 0) problems.push(`lines not in the input before input line ${at + 1}: ${stray.map((r) => r.line).join("").slice(0, 200)}`)
      recent = []
    }
    for (const line of linesOf(output)) {
      const markers = parseAll(line)
      if (markers.length === 0) {
        const kept = at < source.length && line === source[at] && recent.every((r) => r.kept)
        recent.push({ line, from: at, kept })
        if (kept) at++
        continue
      }
      const marker = markers[0]!
      if (markers.length > 1 && markers.some((m) => m.unit !== "chars")) {
        problems.push(`a line marker shares its line with another marker: ${line}`)
        continue
      }
      if (marker.unit === "words") {
        // kompress: the output lines just before are the shortened originals of lines A-B.
        const [a, b] = (marker.selector?.lines ?? "0-0").split("-").map(Number) as [number, number]
        const run = recent.slice(-(b - a + 1))
        const before = recent.slice(0, recent.length - run.length)
        const start = before.length > 0 ? before[before.length - 1]!.from + 1 : run[0]?.from ?? at
        if (before.some((r) => !r.kept) || start !== a - 1 || run.length !== b - a + 1) {
          problems.push(`words marker for lines ${a}-${b} does not follow the lines it shortened`)
        } else {
          const originals = source.slice(a - 1, b)
          const got = yield* fetch(marker.key, marker.selector?.lines)
          if (got !== originals.join("")) problems.push(`words marker for lines ${a}-${b} does not return them`)
          run.forEach((r, k) => {
            if (!isShortening(r.line, originals[k] ?? "")) problems.push(`line ${a + k} is not a shortening of its original: ${r.line}`)
          })
          at = b
        }
        recent = []
        continue
      }
      settle()
      if (marker.unit === "lines") {
        const got = yield* fetch(marker.key, marker.selector?.lines)
        const hidden = source.slice(at, at + marker.count).join("")
        if (got !== hidden) problems.push(`marker for input lines ${at + 1}-${at + marker.count} returns other text`)
        at += marker.count
        continue
      }
      // Markers inside a line (a long line cut): each stands for exactly the part it replaces.
      let rebuilt = ""
      let from = 0
      for (const found of line.matchAll(/\[[\d,]+ chars? not shown[^\]]*\]/g)) {
        const [inner] = parseAll(found[0])
        rebuilt += line.slice(from, found.index) + (yield* fetch(inner!.key, inner!.selector?.lines))
        from = found.index + found[0].length
      }
      if (rebuilt + line.slice(from) !== (source[at] ?? "")) problems.push(`in-line markers on input line ${at + 1} do not rebuild it`)
      at++
    }
    settle()
    if (at !== source.length) problems.push(`input lines ${at + 1}-${source.length} are neither shown nor behind a marker`)
    return problems
  })
