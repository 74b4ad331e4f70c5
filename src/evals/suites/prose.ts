/**
 * Prose: generated technical English, and the prose of real agent transcripts (user messages and
 * assistant text). Retention: the numbers, identifiers and URLs still there.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { prose } from "../generate.ts"
import { factsOf } from "../../stages/kompress/statistical.ts"
import { kompressBytes } from "../../stages/kompress.ts"
import { decode, ms, percent, runCompressor, tokens, truncateLines } from "../measure.ts"
import type { Suite } from "../tier1.ts"

/** The prose of Claude Code transcripts (JSONL): user messages and assistant text blocks. */
export const transcriptProse = (corpus: string): string => {
  const dir = join(corpus, "transcripts", "claude-code")
  if (!existsSync(dir)) return ""
  return readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort().flatMap((f) =>
    readFileSync(join(dir, f), "utf8").split("\n").flatMap((line) => {
      try {
        const content = (JSON.parse(line) as { message?: { content?: unknown } }).message?.content
        if (typeof content === "string") return [content]
        if (Array.isArray(content)) return content.flatMap((b: { type?: string; text?: string }) => b.type === "text" && b.text ? [b.text] : [])
      } catch {
        // not a JSON line
      }
      return []
    })
  ).filter((t) => t.length > 80).join("\n\n")
}

const factsKept = (input: string, output: string) => {
  const out = new Set(factsOf(output))
  const facts = factsOf(input)
  return `${facts.filter((f) => out.has(f)).length}/${facts.length}`
}

export const proseSuite: Suite = {
  type: "prose",
  retention: "numbers, identifiers and URLs kept",
  run: async ({ corpus }) => {
    const rows: Array<Record<string, string | number>> = []
    for (const [name, text] of [["generated technical prose", prose(60)], ["Claude Code transcripts' prose", transcriptProse(corpus)]] as const) {
      if (!text) continue
      const input = new TextEncoder().encode(text)
      const run = await runCompressor((b) => kompressBytes(b, { scorer: "statistical" }), input)
      const before = tokens(decode(input))
      const after = tokens(run.output)
      rows.push({
        input: name,
        "tokens before": before,
        "tokens after": after,
        reduction: percent(after, before),
        "facts kept": factsKept(text, run.output),
        "truncation facts kept": factsKept(text, truncateLines(text, after)),
        "p50 ms": ms(run.p50),
        "p95 ms": ms(run.p95)
      })
    }
    return rows
  }
}
