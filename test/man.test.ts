/** Every command has a man page, and every page renders cleanly with `man -l`. */
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ROOT } from "./helpers.ts"

const pages = readdirSync(join(ROOT, "man")).filter((f) => f.endsWith(".1")).sort()

describe("man pages", () => {
  it("exist for headroom and each command", () => {
    expect(pages).toEqual(
      ["headroom.1", ...["ccr-get", "ccr-put", "code", "compress", "crush", "diff", "html", "kompress", "logs", "route", "search"].map((c) => `headroom-${c}.1`)].sort()
    )
  })

  it.each(pages)("%s renders with man -l, without warnings", (page) => {
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
