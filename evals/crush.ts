/**
 * crush figures: tokens before/after (o200k_base, as for gpt-4o) on the real JSON corpus and on
 * generated log-like arrays with planted errors and a needle. Run: `npx tsx evals/crush.ts`.
 * Uses ../shared/corpus when it is there, else the excerpts in fixtures/corpus.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { keyOf } from "../src/core/hash.ts"
import { type Json, parse } from "../src/core/json.ts"
import * as Tokenizer from "../src/core/tokenizer.ts"
import { crushText } from "../src/stages/crush/crush-text.ts"
import { expandTables } from "../src/stages/crush/table.ts"
import { logItems } from "../src/evals/generate.ts"

const tokenizer = Tokenizer.make("gpt-4o")
const tokens = (s: string) => tokenizer.count(s).tokens
const shared = join(import.meta.dirname, "..", "..", "shared", "corpus", "json")
const corpus = existsSync(shared) ? shared : join(import.meta.dirname, "..", "fixtures", "corpus", "json")

const rows: Array<Record<string, string | number | boolean>> = []
const percent = (after: number, before: number) => `${(100 * (1 - after / before)).toFixed(1)}%`

for (const file of readdirSync(corpus).filter((f) => f.endsWith(".json")).sort()) {
  const text = readFileSync(join(corpus, file), "utf8")
  const out = crushText(text, { key: keyOf(text), minTokens: 200 }).text
  JSON.parse(out)
  rows.push({ input: file, "tokens before": tokens(text), "tokens after": tokens(out), reduction: percent(tokens(out), tokens(text)) })
}

const contains = (items: Array<Json>, item: object) => items.some((x) => JSON.stringify(x) === JSON.stringify(item))
for (const n of [100, 1000, 10_000]) {
  const planted = logItems(n)
  const text = JSON.stringify(planted.items, null, 2)
  const out = crushText(text, { key: keyOf(text), minTokens: 200 }).text
  const kept = (expandTables(parse(out).value) as Array<Json>).filter((x) => typeof x !== "string")
  const withQuery = crushText(text, { key: keyOf(text), minTokens: 200, query: planted.needle }).text
  const keptWithQuery = (expandTables(parse(withQuery).value) as Array<Json>).filter((x) => typeof x !== "string")
  rows.push({
    input: `${n} log items (pretty JSON)`,
    "tokens before": tokens(text),
    "tokens after": tokens(out),
    reduction: percent(tokens(out), tokens(text)),
    "items kept": kept.length,
    "planted errors kept": `${planted.errorIndexes.filter((i) => contains(kept, planted.items[i]!)).length}/3`,
    "needle with --query": contains(keptWithQuery, planted.items[planted.needleIndex]!)
  })
}
console.table(rows)
