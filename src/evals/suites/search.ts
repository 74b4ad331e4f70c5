/** Search results: real grep -rn output, and a larger grep over node_modules made on the spot. */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { splitLines } from "../../core/lines.ts"
import { searchBytes } from "../../stages/search.ts"
import { parseEntries } from "../../stages/search/parse.ts"
import { decode, ms, percent, runCompressor, tokens, truncateLines } from "../measure.ts"
import type { Suite } from "../tier1.ts"

const inputs = (corpus: string, root: string): Array<[string, Uint8Array]> => {
  const out: Array<[string, Uint8Array]> = []
  const grep = join(corpus, "tool-outputs", "grep-export-const.txt")
  if (existsSync(grep)) out.push(["grep-export-const.txt", readFileSync(grep)])
  const effect = join(root, "node_modules", "effect", "dist")
  if (existsSync(effect)) {
    try {
      const raw = execFileSync("grep", ["-rn", "--include=*.d.ts", "export declare const", effect], { maxBuffer: 1 << 28 })
      out.push(["grep -rn over node_modules/effect (4,000 lines)", Buffer.concat(splitLines(raw).slice(0, 4000))])
    } catch {
      // no grep here: the corpus file alone
    }
  }
  return out
}

export const searchSuite: Suite = {
  type: "search",
  retention: "files still named",
  run: async ({ corpus, root }) => {
    const rows: Array<Record<string, string | number>> = []
    for (const [name, input] of inputs(corpus, root)) {
      const run = await runCompressor((b) => searchBytes(b), input)
      const text = decode(input)
      const before = tokens(text)
      const after = tokens(run.output)
      const files = [...new Set(parseEntries(splitLines(input)).flatMap((e) => e.file !== undefined && e.kind !== "other" ? [e.file] : []))]
      const truncated = truncateLines(text, after)
      const named = (out: string) => files.filter((f) => out.includes(f)).length
      rows.push({
        input: name,
        "tokens before": before,
        "tokens after": after,
        reduction: percent(after, before),
        "files named": `${named(run.output)}/${files.length}`,
        "truncation files named": `${named(truncated)}/${files.length}`,
        "p50 ms": ms(run.p50),
        "p95 ms": ms(run.p95)
      })
    }
    return rows
  }
}
