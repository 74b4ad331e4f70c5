/** Diffs: real git output from a repository made on the spot (source edits and a lock file). */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeDiffRepo } from "../diff-repo.ts"
import { diffBytes } from "../../stages/diff.ts"
import { decode, ms, percent, runCompressor, tokens, truncateLines } from "../measure.ts"
import type { Suite } from "../tier1.ts"

/** The + and − lines of files other than lock files, which are summarised as counts by design. */
const changedLines = (diff: string): Array<string> => {
  let lock = false
  const out: Array<string> = []
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git")) lock = /lock|\.sum\b/.test(line)
    else if (!lock && /^[+-](?![+-]{2} )/.test(line)) out.push(line)
  }
  return out
}

const kept = (lines: ReadonlyArray<string>, output: string) => {
  const out = new Set(output.split("\n"))
  return lines.filter((l) => out.has(l)).length
}

export const diffSuite: Suite = {
  type: "diff",
  retention: "changed lines shown (lock files counted apart)",
  run: async () => {
    const dir = mkdtempSync(join(tmpdir(), "hr-eval-"))
    try {
      const { git } = makeDiffRepo(dir)
      const rows: Array<Record<string, string | number>> = []
      for (const [name, args] of [
        ["git diff HEAD~1", "diff HEAD~1"],
        ["git diff -U40 HEAD~1 -- src", "diff -U40 HEAD~1 -- src"],
        ["git log -p -2", "log -p -2"]
      ] as const) {
        const input = git(args)
        const run = await runCompressor((b) => diffBytes(b), input)
        const text = decode(input)
        const before = tokens(text)
        const after = tokens(run.output)
        const changed = changedLines(text)
        rows.push({
          input: name,
          "tokens before": before,
          "tokens after": after,
          reduction: percent(after, before),
          "changed lines shown": `${kept(changed, run.output)}/${changed.length}`,
          "truncation changed lines": `${kept(changed, truncateLines(text, after))}/${changed.length}`,
          "p50 ms": ms(run.p50),
          "p95 ms": ms(run.p95)
        })
      }
      return rows
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
