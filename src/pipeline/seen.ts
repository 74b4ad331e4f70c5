/**
 * What the model has already seen, line by line: every tool result as it was sent, and the texts
 * of its own calls (a file it wrote, the new text of an edit). A later result that repeats a run of
 * those lines — a file read again, a test run that compiles the same dependencies, an issue shown
 * twice — shows a marker in place of the run, naming where the model saw it. Only what came
 * before a block is indexed, so its form stays the same on every later turn (cache-safe).
 *
 * Lines compare without their `cat -n` / `N→` numbers: a file read again after an edit above the
 * run still repeats it.
 *
 * @since 0.2.0
 */
import { textLines } from "../core/lines.ts"

/** A run is worth a marker from this many lines and characters on. */
const MIN_LINES = 8
const MIN_CHARS = 320
/** Lines shorter than this (`}`, `end`, blank) never start a run, but may continue one. */
const ANCHOR_CHARS = 6
/** Places remembered per line: the latest ones. */
const PLACES_PER_LINE = 16

const NUMBERED = /^ *(\d+)(?:\t|→)/

/** A line's content: no line break, no line number. */
const contentOf = (line: string): string => line.replace(NUMBERED, "").replace(/\r?\n$/, "")

interface Copy {
  readonly rows: ReadonlyArray<string>
  /** The file line number of each row, when the copy was in numbered lines. */
  readonly numbers: ReadonlyArray<number | undefined>
  readonly where: string
}

export interface Run {
  /** First and last rows of the new text (0-based, inclusive). */
  readonly from: number
  readonly to: number
  /** Where the model saw them: e.g. `lines 12-40 of the Read of app.ex`. */
  readonly detail: string
}

export class Seen {
  private readonly copies: Array<Copy> = []
  private readonly places = new Map<string, Array<[copy: number, row: number]>>()

  /** Remembers a text the model saw, described by `where` (`the Read of app.ex`). */
  add(text: string, where: string): void {
    const lines = textLines(text)
    const copy: Copy = { rows: lines.map(contentOf), numbers: lines.map((l) => (m => m ? Number(m[1]) : undefined)(NUMBERED.exec(l))), where }
    const index = this.copies.push(copy) - 1
    copy.rows.forEach((row, r) => {
      if (row.trim().length < ANCHOR_CHARS) return
      let at = this.places.get(row)
      if (!at) this.places.set(row, at = [])
      at.push([index, r])
      if (at.length > PLACES_PER_LINE) at.shift()
    })
  }

  /** The runs of a text's lines the model has seen before, in order, none overlapping. */
  runs(text: string): Array<Run> {
    const rows = textLines(text).map(contentOf)
    const out: Array<Run> = []
    for (let i = 0; i < rows.length;) {
      const places = rows[i]!.trim().length >= ANCHOR_CHARS ? this.places.get(rows[i]!) : undefined
      let best: { length: number; copy: number; row: number } | undefined
      for (const [c, r] of places ?? []) {
        const copy = this.copies[c]!.rows
        let n = 0
        while (i + n < rows.length && r + n < copy.length && rows[i + n] === copy[r + n]) n++
        if (!best || n > best.length) best = { length: n, copy: c, row: r }
      }
      if (best && best.length >= MIN_LINES && rows.slice(i, i + best.length).reduce((a, r) => a + r.length, 0) >= MIN_CHARS) {
        const copy = this.copies[best.copy]!
        const first = copy.numbers[best.row] ?? best.row + 1
        const last = copy.numbers[best.row + best.length - 1] ?? best.row + best.length
        out.push({ from: i, to: i + best.length - 1, detail: `same as lines ${first}-${last} of ${copy.where} above` })
        i += best.length
      } else i++
    }
    return out
  }
}
