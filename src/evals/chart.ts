/**
 * The sessions replay as a picture: cumulative cache-priced cost per turn, as sent and through
 * headroom, one panel per session (their scales differ a hundredfold). A self-contained SVG.
 */
import { percent } from "./measure.ts"
import type { SessionFigures } from "./replay.ts"
import { sessionName } from "./suites/sessions.ts"

const PANEL = { width: 440, height: 240, left: 58, right: 14, top: 48, bottom: 30 }
/** Room above the panels for the title and the legend. */
const HEADER = 56
const COLUMNS = 2
const AS_SENT = "#9a9a9a"
const HEADROOM = "#1565c0"

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** 1234567 → "1.2M", 8400 → "8.4k". */
const short = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k` : String(Math.round(n))

const cumulative = (xs: ReadonlyArray<number>): Array<number> => {
  let sum = 0
  return xs.map((x) => (sum += x))
}

const panel = (f: SessionFigures, x0: number, y0: number): string => {
  const before = cumulative(f.perTurn.map((t) => t.costBefore))
  const after = cumulative(f.perTurn.map((t) => t.costAfter))
  const top = Math.max(...before, ...after, 1)
  const w = PANEL.width - PANEL.left - PANEL.right
  const h = PANEL.height - PANEL.top - PANEL.bottom
  const px = (i: number) => x0 + PANEL.left + (f.turns <= 1 ? 0 : (i / (f.turns - 1)) * w)
  const py = (v: number) => y0 + PANEL.top + h - (v / top) * h
  const line = (ys: ReadonlyArray<number>, color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${ys.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(" ")}"/>`
  const ticks = [0, top / 2, top].map((v) =>
    `<line x1="${x0 + PANEL.left}" x2="${x0 + PANEL.left + w}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#e4e4e4"/>` +
    `<text x="${x0 + PANEL.left - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end">${short(v)}</text>`
  )
  const figures = `${f.turns} turns · tokens ${percent(f.tokensAfter, f.tokensBefore)} fewer · cost ${percent(f.costAfter, f.costBefore)} lower · ${f.blindEdits} of ${f.edits} edits blind`
  return [
    `<text x="${x0 + PANEL.left}" y="${y0 + 16}" font-weight="bold">${escape(sessionName(f))}</text>`,
    `<text x="${x0 + PANEL.left}" y="${y0 + 31}">${escape(figures)}</text>`,
    ...ticks,
    `<text x="${x0 + PANEL.left}" y="${y0 + PANEL.height - 10}">turn 1</text>`,
    `<text x="${x0 + PANEL.left + w}" y="${y0 + PANEL.height - 10}" text-anchor="end">turn ${f.turns}</text>`,
    line(before, AS_SENT),
    line(after, HEADROOM)
  ].join("\n")
}

/** The chart of the sessions with at least `minTurns` turns. */
export const costChart = (figures: ReadonlyArray<SessionFigures>, minTurns = 5): string => {
  const shown = figures.filter((f) => f.turns >= minTurns)
  const rows = Math.max(1, Math.ceil(shown.length / COLUMNS))
  const width = COLUMNS * PANEL.width
  const height = HEADER + rows * PANEL.height
  const legend = [
    `<text x="12" y="22" font-size="14" font-weight="bold">Cumulative input cost per turn, in base-price tokens (cache reads 0.1×, writes 1.25×, blind edits charged)</text>`,
    `<line x1="12" x2="34" y1="38" y2="38" stroke="${AS_SENT}" stroke-width="3"/><text x="40" y="42">as sent</text>`,
    `<line x1="100" x2="122" y1="38" y2="38" stroke="${HEADROOM}" stroke-width="3"/><text x="128" y="42">through headroom</text>`
  ]
  const panels = shown.map((f, i) => panel(f, (i % COLUMNS) * PANEL.width, HEADER + Math.floor(i / COLUMNS) * PANEL.height))
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...legend,
    ...panels,
    `</svg>`,
    ""
  ].join("\n")
}
