/**
 * The evaluation suite, run as a test on the corpus excerpts in the repository: the figures the
 * logs issue requires hold (loghub: ≥ 90% fewer tokens on average, no template lost, every alert
 * template shown), `headroom evals --tier 1 --json` prints every table, and the sessions replay
 * prints its table and draws its chart.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { logFormatsSuite } from "../src/evals/suites/log-formats.ts"
import { logsSuite } from "../src/evals/suites/logs.ts"
import { headroom, removeHome, ROOT, tempHome } from "./helpers.ts"

const corpus = join(ROOT, "fixtures", "corpus")
const homes: Array<string> = []
afterAll(() => homes.forEach(removeHome))

describe("evals", () => {
  it("loghub: ≥ 90% fewer tokens on average, every template shown or recoverable, every alert template shown", async () => {
    const rows = await logsSuite.run({ corpus, root: ROOT })
    const systems = rows.filter((r) => r.input !== "average")
    expect(systems).toHaveLength(8)
    for (const r of systems) {
      const [, lost] = /\/(\d+) of/.exec(String(r["templates shown/recoverable/lost"]))!
      expect(Number(lost), String(r.input)).toBe(0)
      const [shown, all] = String(r["alert templates shown"]).split("/").map(Number)
      expect(shown, String(r.input)).toBe(all)
    }
    const average = rows.find((r) => r.input === "average")!
    expect(parseFloat(String(average.reduction))).toBeGreaterThanOrEqual(90)
  }, 120_000)

  it("generated log formats: every one routed to logs, no template lost, every kind of alert shown", async () => {
    const rows = await logFormatsSuite.run({ corpus, root: ROOT })
    const formats = rows.filter((r) => !String(r.format).startsWith("all "))
    expect(formats.length).toBeGreaterThanOrEqual(12)
    for (const r of formats) {
      expect(r["routed to"], String(r.format)).toBe("logs")
      expect(/\/(\d+) of/.exec(String(r["templates shown/recoverable/lost"]))![1], String(r.format)).toBe("0")
      const [shown, all] = String(r["alerts shown"]).split("/").map(Number)
      expect(shown, String(r.format)).toBe(all)
      expect(parseFloat(String(r.reduction)), String(r.format)).toBeGreaterThan(90)
    }
  }, 120_000)

  it("headroom evals --tier 1 --json prints a table per content type", async () => {
    const home = tempHome()
    homes.push(home)
    // Tens of seconds alone; more while other test files run beside it.
    const run = await headroom(["evals", "--tier", "1", "--json", "--corpus", corpus], { home, timeoutMs: 200_000 })
    expect(run.code, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout.toString())
    expect(report.tables.map((t: { type: string }) => t.type)).toEqual(["json", "log", "log formats", "search", "diff", "code", "html", "prose", "images", "sessions"])
    for (const t of report.tables) expect(t.rows.length).toBeGreaterThan(0)
    const bad = await headroom(["evals", "--tier", "3"], { home })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("--tier")
  }, 210_000)

  it("headroom evals --only sessions --chart replays every session and draws its cost per turn", async () => {
    const home = tempHome()
    homes.push(home)
    const chart = join(home, "cost.svg")
    const run = await headroom(["evals", "--only", "sessions", "--json", "--chart", chart, "--corpus", corpus], { home, timeoutMs: 110_000 })
    expect(run.code, run.stderr).toBe(0)
    const [table] = JSON.parse(run.stdout.toString()).tables
    expect(table.type).toBe("sessions")
    const main = table.rows.find((r: Record<string, string>) => r.session === "claude-code 258c7280")
    expect(main.turns).toBe(152)
    expect(main.unstable).toBe(0)
    expect(parseFloat(main["cost saved"])).toBeGreaterThan(25)
    const svg = readFileSync(chart, "utf8")
    expect(svg).toMatch(/^<svg /)
    // One panel, with two lines, per session of five turns or more.
    const long = table.rows.filter((r: { turns: number }) => r.turns >= 5).length
    expect(svg.match(/<polyline /g)).toHaveLength(2 * long)
    const bad = await headroom(["evals", "--only", "sessions,nope", "--corpus", corpus], { home })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^headroom evals: --only: expected table names among .*sessions/)
    const unwritable = await headroom(["evals", "--only", "sessions", "--chart", join(home, "no", "such", "dir.svg"), "--corpus", corpus], { home })
    expect(unwritable.code).toBe(1)
    expect(unwritable.stderr).toMatch(/--chart: expected a file that can be written \(ENOENT\)/)
  }, 120_000)
})
