/** JSON: the real corpus files, and generated log-like arrays with planted errors and a needle. */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { logItems } from "../generate.ts"
import { crushBytes } from "../../stages/crush.ts"
import { decode, ms, percent, runCompressor, tokens, truncateChars } from "../measure.ts"
import type { Suite } from "../tier1.ts"

const encode = (s: string) => new TextEncoder().encode(s)

export const jsonSuite: Suite = {
  type: "json",
  retention: "planted kept (errors + needle via --query)",
  run: async ({ corpus }) => {
    const rows: Array<Record<string, string | number>> = []
    const dir = join(corpus, "json")
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : []
    for (const file of files) {
      const input = readFileSync(join(dir, file))
      const run = await runCompressor((b) => crushBytes(b), input)
      const before = tokens(decode(input))
      const after = tokens(run.output)
      rows.push({ input: file, "tokens before": before, "tokens after": after, reduction: percent(after, before), headroom: "—", truncation: "—", "p50 ms": ms(run.p50), "p95 ms": ms(run.p95) })
    }
    for (const n of [100, 1000, 10_000]) {
      const planted = logItems(n)
      const text = JSON.stringify(planted.items, null, 2)
      const input = encode(text)
      const run = await runCompressor((b) => crushBytes(b), input)
      const withQuery = await runCompressor((b) => crushBytes(b, { query: planted.needle }), input, 1)
      const before = tokens(text)
      const after = tokens(run.output)
      const ids = planted.errorIndexes.map((i) => String(planted.items[i]!.request_id))
      const truncated = truncateChars(text, after)
      const kept = (out: string) => ids.filter((id) => out.includes(JSON.stringify(id))).length
      rows.push({
        input: `${n} log items (generated)`,
        "tokens before": before,
        "tokens after": after,
        reduction: percent(after, before),
        headroom: `${kept(run.output) + (withQuery.output.includes(planted.needle) ? 1 : 0)}/4`,
        truncation: `${kept(truncated) + (truncated.includes(planted.needle) ? 1 : 0)}/4`,
        "p50 ms": ms(run.p50),
        "p95 ms": ms(run.p95)
      })
    }
    return rows
  }
}
