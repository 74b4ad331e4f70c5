/**
 * The code stage over many real source files: for each language, how many files it compressed,
 * how many it passed through and why, and any file where a signature went missing, the output
 * parses worse than the input, or the stage failed. A check of the lexers and the skeleton in the
 * wild, not a timing. Run: `npx tsx evals/code-files.ts DIR...` (default: node_modules).
 */
import { Effect, Layer } from "effect"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import * as Config from "../src/core/config.ts"
import { toBytes } from "../src/core/content.ts"
import { codeBytes } from "../src/stages/code.ts"
import { signatures, syntaxErrors } from "../src/stages/code/inspect.ts"
import { grammarOf, type GrammarName, languageOfPath } from "../src/stages/code/languages.ts"
import * as MemoryStore from "../src/store/memory.ts"

const MIN_BYTES = 8_000
const MAX_BYTES = 400_000
const PER_LANGUAGE = Number(process.env.PER_LANGUAGE ?? 150)

/** Files of the languages with a grammar (whose signatures and syntax errors can be checked). */
const languageOf = (path: string): GrammarName | undefined => {
  if (path.endsWith(".d.ts")) return undefined
  const language = languageOfPath(path)
  return language && grammarOf(language)
}

/** Source files under a directory, in a stable order. */
const walk = (dir: string, out: Array<string>) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    const stat = statSync(path, { throwIfNoEntry: false })
    if (stat?.isDirectory()) walk(path, out)
    else if (stat?.isFile() && stat.size >= MIN_BYTES && stat.size <= MAX_BYTES && languageOf(path)) out.push(path)
  }
  return out
}

const layer = Layer.merge(MemoryStore.layer(), Config.layerWith({ home: "/nonexistent" }))
const files = (process.argv.length > 2 ? process.argv.slice(2) : ["node_modules"]).flatMap((d) => walk(d, []))
const byLanguage = new Map<GrammarName, Array<string>>()
for (const f of files) byLanguage.set(languageOf(f)!, [...byLanguage.get(languageOf(f)!) ?? [], f])

const rows: Array<Record<string, string | number>> = []
const problems: Array<string> = []
for (const [language, all] of byLanguage) {
  // An even spread over the tree, not the first directory's files.
  const step = Math.max(1, Math.floor(all.length / PER_LANGUAGE))
  const chosen = all.filter((_, i) => i % step === 0).slice(0, PER_LANGUAGE)
  const row = { language, files: chosen.length, compressed: 0, "passed through": 0, "signatures missing": 0, "parses worse": 0, failed: 0 }
  for (const path of chosen) {
    const input = readFileSync(path)
    const source = input.toString("utf8")
    try {
      const c = await Effect.runPromise(codeBytes(input, { language }).pipe(Effect.provide(layer)))
      if (c.passthrough) {
        row["passed through"]++
        if (!/below-threshold|not-smaller/.test(c.passthrough)) problems.push(`${path}: passed through: ${c.passthrough}`)
        continue
      }
      row.compressed++
      const output = new TextDecoder().decode(toBytes(c.output))
      const missing = ((await signatures(language, source)) ?? []).filter((s) => !output.includes(s))
      if (missing.length > 0) (row["signatures missing"]++, problems.push(`${path}: signature missing: ${missing[0]!.trim()}`))
      if ((await syntaxErrors(language, output)) > (await syntaxErrors(language, source))) (row["parses worse"]++, problems.push(`${path}: output parses worse`))
    } catch (e) {
      row.failed++
      problems.push(`${path}: ${String(e).split("\n")[0]}`)
    }
  }
  rows.push(row)
}
console.table(rows)
for (const p of problems) console.log(p)
