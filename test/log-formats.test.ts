/** The log-format generators: deterministic, the length asked for, and planted alerts that are where they say and what they say. */
import { describe, expect, it } from "vitest"
import { LOG_FORMATS } from "../src/evals/log-formats.ts"

const ALERT_WORD = /\b(error|warn|fail|fatal|exception|panic|critical)/i
const lines = (text: string) => text.slice(0, -1).split("\n")

describe("LOG_FORMATS", () => {
  it("has at least 12 formats with distinct names", () => {
    expect(LOG_FORMATS.length).toBeGreaterThanOrEqual(12)
    expect(new Set(LOG_FORMATS.map((f) => f.name)).size).toBe(LOG_FORMATS.length)
    for (const f of LOG_FORMATS) expect(f.describe.length).toBeGreaterThan(0)
  })

  describe.each(LOG_FORMATS.map((f) => [f.name, f] as const))("%s", (_, format) => {
    it("is deterministic, and a different seed gives a different log", () => {
      expect(format.generate(300, 5)).toEqual(format.generate(300, 5))
      expect(format.generate(300, 5).text).not.toBe(format.generate(300, 6).text)
      expect(format.generate(300).text).toBe(format.generate(300, 1).text)
    })

    it.each([100, 500, 2000])("writes about %i lines, each ending in a newline, one template id per line", (n) => {
      const log = format.generate(n, 3)
      expect(log.text.endsWith("\n")).toBe(true)
      const ls = lines(log.text)
      expect(ls.length).toBeGreaterThanOrEqual(Math.floor(n * 0.9))
      expect(ls.length).toBeLessThanOrEqual(Math.ceil(n * 1.1))
      expect(log.templates.length).toBe(ls.length)
      expect(ls.every((l) => l.trim().length > 0)).toBe(true)
    })

    it("plants alerts on lines that exist; value alerts are a subset with no alert word, ordinary lines have none", () => {
      for (const seed of [1, 2, 3]) {
        const log = format.generate(500, seed)
        const ls = lines(log.text)
        expect(log.alertLines.length).toBeGreaterThan(0)
        expect([...log.alertLines].sort((a, b) => a - b)).toEqual(log.alertLines)
        expect(new Set(log.alertLines).size).toBe(log.alertLines.length)
        for (const i of log.alertLines) expect(i >= 0 && i < ls.length).toBe(true)
        const alerts = new Set(log.alertLines)
        for (const i of log.valueAlertLines) {
          expect(alerts.has(i)).toBe(true)
          expect(ls[i]).not.toMatch(ALERT_WORD)
        }
        ls.forEach((l, i) => {
          if (!alerts.has(i)) expect(l, `line ${i}`).not.toMatch(ALERT_WORD)
        })
        // Every planted alert that is not a value alert is a line of an entry that says so in words.
        expect(log.alertLines.some((i) => !log.valueAlertLines.includes(i) && ALERT_WORD.test(ls[i]!))).toBe(true)
      }
    })

    it("uses at least 8 distinct templates at 500 lines", () => {
      expect(new Set(format.generate(500).templates).size).toBeGreaterThanOrEqual(8)
    })

    it("writes nothing for 0 lines and no alerts in a tiny log", () => {
      expect(format.generate(0).text).toBe("")
      expect(format.generate(10).alertLines).toEqual([])
    })
  })

  it("plants every kind of value alert somewhere: a 5xx, a non-zero exit, a latency outlier", () => {
    const values = LOG_FORMATS.flatMap((f) => {
      const log = f.generate(1000, 9)
      const ls = lines(log.text)
      return log.valueAlertLines.map((i) => ls[i]!)
    })
    expect(values.some((l) => /\b5\d\d\b/.test(l))).toBe(true)
    expect(values.some((l) => /\b(code|status|exit|exitCode|exit_code|exit_status)[=: ]+[1-9]/i.test(l))).toBe(true)
    expect(values.some((l) => /\b30004\b|\b30\.004s\b/.test(l))).toBe(true)
    // Most formats plant at least one value alert.
    const withValues = LOG_FORMATS.filter((f) => f.generate(500).valueAlertLines.length > 0)
    expect(withValues.length).toBeGreaterThanOrEqual(LOG_FORMATS.length - 2)
  })
})
