/**
 * Benchmarks (run: `npm run bench`). Prints median timings and throughput; not a test.
 *
 *  - crush of a 1,000-item log-like array (in-process, warm)
 *  - crush of a ~10 MB array against a plain JSON.parse + JSON.stringify of the same text
 *  - crush of each real JSON file in ../shared/corpus/json
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { keyOf } from "../src/core/hash.ts"
import { crushText } from "../src/stages/crush/crush-text.ts"
import { logItems } from "../fixtures/generate.ts"

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const time = (runs: number, f: () => unknown): number => {
  for (let i = 0; i < Math.min(10, runs); i++) f() // warm-up: let the JIT settle
  const ms: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    f()
    ms.push(performance.now() - t0)
  }
  return median(ms)
}

const mb = (chars: number) => chars / 1e6

const rows: Array<Record<string, string | number>> = []
const report = (name: string, text: string, ms: number, extra: Record<string, string | number> = {}) => {
  const out = crushText(text, { key: keyOf(text) }).text
  rows.push({
    case: name,
    "input MB": mb(text.length).toFixed(2),
    "median ms": ms.toFixed(1),
    "MB/s": (mb(text.length) / (ms / 1000)).toFixed(1),
    "size reduction": `${(100 - (100 * out.length) / text.length).toFixed(1)}%`,
    ...extra
  })
}

const thousand = JSON.stringify(logItems(1000).items)
report("1,000 log items (minified)", thousand, time(30, () => crushText(thousand, { key: keyOf(thousand) })))
const thousandPretty = JSON.stringify(logItems(1000).items, null, 2)
report("1,000 log items (pretty)", thousandPretty, time(30, () => crushText(thousandPretty, { key: keyOf(thousandPretty) })))

const big = JSON.stringify(logItems(30_000).items)
const crushMs = time(5, () => crushText(big, { key: keyOf(big) }))
const baseline = time(5, () => JSON.stringify(JSON.parse(big)))
report("~10 MB log items", big, crushMs, {
  "parse+stringify ms": baseline.toFixed(1),
  "ratio to parse+stringify": (crushMs / baseline).toFixed(2)
})

const corpus = join(import.meta.dirname, "..", "..", "shared", "corpus", "json")
if (existsSync(corpus)) {
  for (const file of readdirSync(corpus).filter((f) => f.endsWith(".json")).sort()) {
    const text = readFileSync(join(corpus, file), "utf8")
    report(file, text, time(10, () => crushText(text, { key: keyOf(text) })))
  }
}
console.table(rows)
