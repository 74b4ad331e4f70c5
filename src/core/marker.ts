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
 * For an agent with a shell the retrieval is written as the command that does it — the same
 * marker, in its shell form:
 *
 *     [35 lines not shown · headroom ccr-get 9f2c1ab3e4d5 --lines 120-154]
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
  /** How the retrieval is written: for a tool call (the default), or as a shell command. */
  readonly form?: "tool" | "shell" | undefined
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

/** The command a shell runs to fetch an original back. */
export const RETRIEVE_COMMAND = "headroom ccr-get"

export const render = (marker: Marker): string => {
  const detail = marker.detail ? `; ${cleanDetail(marker.detail)}` : ""
  const selector = Object.entries(marker.selector ?? {})
  const how = marker.form === "shell"
    ? `${RETRIEVE_COMMAND} ${marker.key}${selector.map(([k, v]) => ` --${k} ${v}`).join("")}`
    : `${RETRIEVE_TOOL} hash=${marker.key}${selector.map(([k, v]) => ` ${k}=${v}`).join("")}`
  return `[${formatCount(marker.count)} ${unitText(marker.count, marker.unit)} not shown${detail} · ${how}]`
}

const MARKER_PATTERN = new RegExp(
  String.raw`\[(\d{1,3}(?:,\d{3})*) (item|line|char|byte|key|word)s? not shown(?:; ([^\]·]*))? · ` +
    `(?:${RETRIEVE_TOOL} hash=([0-9a-f]{${KEY_LENGTH}})((?: [a-z]+=[^\\s\\]]+)*)` +
    `|${RETRIEVE_COMMAND} ([0-9a-f]{${KEY_LENGTH}})((?: --[a-z]+ [^\\s\\]]+)*))\\]`,
  "g"
)

const markerOf = (m: RegExpExecArray | RegExpMatchArray): Marker => {
  const shell = m[6] !== undefined
  const selector: Record<string, string> = {}
  const pairs = (shell ? m[7] : m[5]) ?? ""
  if (shell) for (const [, k, v] of pairs.matchAll(/--([a-z]+) ([^\s\]]+)/g)) selector[k!] = v!
  else {
    for (const pair of pairs.trim().split(" ").filter(Boolean)) {
      const eq = pair.indexOf("=")
      selector[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
  }
  return {
    count: Number((m[1] ?? "0").replace(/,/g, "")),
    unit: `${m[2]}s` as MarkerUnit,
    key: (shell ? m[6] : m[4]) ?? "",
    detail: m[3]?.trim() || undefined,
    selector: Object.keys(selector).length > 0 ? selector : undefined,
    ...(shell ? { form: "shell" as const } : {})
  }
}

/** Every well-formed marker in a text, in order. */
export const parseAll = (text: string): Array<Marker> => [...text.matchAll(MARKER_PATTERN)].map(markerOf)

/** The text with every marker in it replaced by what `f` makes of it, in place. */
export const rewriteMarkers = (text: string, f: (marker: Marker) => Marker): string =>
  text.replace(MARKER_PATTERN, (...m) => render(f(markerOf(m as unknown as RegExpMatchArray))))

const KEY_REFERENCE = new RegExp(`(?:${RETRIEVE_TOOL} hash=|${RETRIEVE_COMMAND} )([0-9a-f]{${KEY_LENGTH}})`, "g")

/** The distinct CCR keys referenced anywhere in a text (also inside JSON strings), in order. */
export const referencedKeys = (text: string): Array<string> => {
  const keys = new Set<string>()
  for (const m of text.matchAll(KEY_REFERENCE)) keys.add(m[1] ?? "")
  return [...keys]
}
