/**
 * The one marker grammar. Every stage that leaves something out writes, in place of it:
 *
 *     [12 items not shown · headroom_retrieve hash=9f2c1ab3e4d5]
 *     [1 item not shown · headroom_retrieve hash=9f2c1ab3e4d5]
 *     [970 items not shown; latency_ms 3–950 mean 41.2 · headroom_retrieve hash=9f2c1ab3e4d5]
 *     [35 lines not shown · headroom_retrieve hash=9f2c1ab3e4d5 lines=120-154]
 *
 * It says how much of what was left out (count and unit), optionally a short detail, and how to
 * get it back (the CCR key, plus an optional selector such as a line range). The wording is
 * neutral on purpose: "not shown" cannot be read as "missing" or "corrupt". Inside JSON a marker
 * is a JSON string holding the same text, so the output stays valid JSON.
 *
 * @since 0.1.0
 */
import { KEY_LENGTH } from "./hash.ts"

export type MarkerUnit = "items" | "lines" | "chars" | "bytes" | "keys" | "words"

export interface Marker {
  readonly count: number
  readonly unit: MarkerUnit
  readonly key: string
  /** A short human detail, e.g. a summary of the numbers that were left out. */
  readonly detail?: string | undefined
  /** A selector that narrows the retrieval, e.g. `{ lines: "120-154" }`. */
  readonly selector?: Readonly<Record<string, string>> | undefined
}

/** The name a model calls to fetch an original back; also greppable in any output. */
export const RETRIEVE_TOOL = "headroom_retrieve"

/** Groups digits by thousands without depending on the process locale (determinism). */
export const formatCount = (n: number): string => {
  const digits = String(Math.trunc(Math.abs(n)))
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return n < 0 ? `-${grouped}` : grouped
}

// Characters that would end or split a marker are replaced so that every marker parses back.
const cleanDetail = (detail: string): string => detail.replace(/[\]\[·\n\r]/g, " ").replace(/\s+/g, " ").trim()

/** "1 item", "2 items": the unit is singular for a count of one. */
const unitText = (count: number, unit: MarkerUnit) => count === 1 ? unit.slice(0, -1) : unit

export const render = (marker: Marker): string => {
  const detail = marker.detail ? `; ${cleanDetail(marker.detail)}` : ""
  const selector = marker.selector
    ? Object.entries(marker.selector).map(([k, v]) => ` ${k}=${v}`).join("")
    : ""
  return `[${formatCount(marker.count)} ${unitText(marker.count, marker.unit)} not shown${detail} · ${RETRIEVE_TOOL} hash=${marker.key}${selector}]`
}

const MARKER_PATTERN = new RegExp(
  String.raw`\[(\d{1,3}(?:,\d{3})*) (item|line|char|byte|key|word)s? not shown(?:; ([^\]·]*))? · ` +
    `${RETRIEVE_TOOL} hash=([0-9a-f]{${KEY_LENGTH}})((?: [a-z]+=[^\\s\\]]+)*)\\]`,
  "g"
)

/** Every well-formed marker in a text, in order. */
export const parseAll = (text: string): Array<Marker> => {
  const markers: Array<Marker> = []
  for (const m of text.matchAll(MARKER_PATTERN)) {
    const selector: Record<string, string> = {}
    for (const pair of (m[5] ?? "").trim().split(" ").filter(Boolean)) {
      const eq = pair.indexOf("=")
      selector[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
    markers.push({
      count: Number((m[1] ?? "0").replace(/,/g, "")),
      unit: `${m[2]}s` as MarkerUnit,
      key: m[4] ?? "",
      detail: m[3]?.trim() || undefined,
      selector: Object.keys(selector).length > 0 ? selector : undefined
    })
  }
  return markers
}

const KEY_REFERENCE = new RegExp(`${RETRIEVE_TOOL} hash=([0-9a-f]{${KEY_LENGTH}})`, "g")

/** The distinct CCR keys referenced anywhere in a text (also inside JSON strings), in order. */
export const referencedKeys = (text: string): Array<string> => {
  const keys = new Set<string>()
  for (const m of text.matchAll(KEY_REFERENCE)) keys.add(m[1] ?? "")
  return [...keys]
}
