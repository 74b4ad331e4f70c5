/**
 * The gaps a selection leaves and what their markers say. Every gap has its own marker, in
 * place, saying what it hides (its error items and categorical values, counted); the first also
 * carries the figures of the whole (`N of M in all` when there are several gaps, and the numeric
 * summary of everything not shown):
 *
 *     [412 items not shown; level: INFO 350, DEBUG 62; 970 of 1,000 in all; latency_ms 3–950 mean 41.2 · …]
 *     [37 items not shown; 1 error; level: ERROR 1, INFO 30, DEBUG 6 · …]
 *
 * Shared by arrays, maps and JSON Lines, so they all say the same things the same way.
 *
 * @since 0.1.0
 */
import { formatCount } from "../../core/marker.ts"
import type { Selection } from "./select.ts"

/** Interleaves kept values with a gap value for each run [from, to) of dropped ones. */
export const withGaps = <A>(
  kept: ReadonlyArray<number>,
  total: number,
  valueAt: (i: number) => A,
  gap: (from: number, to: number, first: boolean) => A
): Array<A> => {
  const out: Array<A> = []
  let next = 0
  let first = true
  for (const i of kept) {
    if (i > next) {
      out.push(gap(next, i, first))
      first = false
    }
    out.push(valueAt(i))
    next = i + 1
  }
  if (next < total) out.push(gap(next, total, first))
  return out
}

const countGaps = (kept: ReadonlyArray<number>, total: number): number => {
  let gaps = 0
  let next = 0
  for (const i of kept) {
    if (i > next) gaps++
    next = i + 1
  }
  return next < total ? gaps + 1 : gaps
}

/**
 * The detail of each gap's marker, for a selection of `total` items: what the gap hides, then,
 * on the first marker only, the figures of the whole.
 */
export const gapDetails = (selection: Selection, total: number) => {
  const dropped = total - selection.kept.length
  const whole: Array<string> = []
  if (countGaps(selection.kept, total) > 1) whole.push(`${formatCount(dropped)} of ${formatCount(total)} in all`)
  if (selection.droppedSummary) whole.push(selection.droppedSummary)
  return (from: number, to: number, first: boolean): string | undefined => {
    const parts: Array<string> = []
    const hidden = selection.describeGap(from, to)
    if (hidden !== undefined) parts.push(hidden)
    if (first) parts.push(...whole)
    return parts.length > 0 ? parts.join("; ") : undefined
  }
}
