/** Every command has a man page, and every page renders cleanly with `man -l`. */
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { compressStage } from "../src/stages/compress.ts"
import { STAGES } from "../src/stages/registry.ts"
import { ROOT, systemTool } from "./helpers.ts"

const man = systemTool("man", "apt-get install man-db")

const pages = readdirSync(join(ROOT, "man")).filter((f) => f.endsWith(".1")).sort()

describe("man pages", () => {
  it("exist for headroom and each command", () => {
    expect(pages).toEqual(
      ["headroom.1", ...[compressStage, ...STAGES].map((s) => s.name), "ccr-get", "ccr-put", "route", "proxy", "stats", "wrap", "unwrap", "mcp"].map((c) => c === "headroom.1" ? c : `headroom-${c}.1`).sort()
    )
  })

  it.each([compressStage, ...STAGES].map((s) => [s.name, s] as const))("headroom-%s.1 documents every option of its stage", (name, stage) => {
    const page = readFileSync(join(ROOT, "man", `headroom-${name}.1`), "utf8").replace(/\\-/g, "-")
    for (const option of ["query", "ttl", "json", "stats", "exact", "model", ...Object.keys(stage.options)]) expect(page, option).toContain(`--${option}`)
  })

  it.skipIf(man.skip).each(pages)(man.title("%s renders with man -l, without warnings"), (page) => {
    const run = spawnSync("man", ["--warnings", "-l", join(ROOT, "man", page)], {
      env: { ...process.env, MANWIDTH: "80", MANPAGER: "cat", PAGER: "cat", LC_ALL: "C.UTF-8" },
      encoding: "utf8"
    })
    expect(run.error).toBeUndefined()
    expect(run.status).toBe(0)
    expect(run.stderr).toBe("")
    expect(run.stdout).toMatch(/NAME\n\s+headroom/)
    expect(run.stdout).toContain("EXAMPLES")
  })
})
