/** Source code: one real file per language, and files from node_modules. */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { GrammarName } from "../../stages/code/languages.ts"
import { signatures, syntaxErrors } from "../../stages/code/inspect.ts"
import { codeBytes } from "../../stages/code.ts"
import { decode, ms, percent, runCompressor, tokens, truncateLines } from "../measure.ts"
import type { Suite } from "../tier1.ts"

const LANGUAGE_OF: Record<string, GrammarName> = { python: "python", javascript: "javascript", typescript: "typescript", go: "go", rust: "rust", java: "java", cpp: "cpp" }
const FROM_NODE_MODULES: ReadonlyArray<[string, GrammarName]> = [
  ["effect/src/Stream.ts", "typescript"],
  ["esbuild/lib/main.js", "javascript"],
  ["fast-check/lib/fast-check.js", "javascript"]
]

export const codeSuite: Suite = {
  type: "code",
  retention: "signatures kept; syntax errors (output / input)",
  run: async ({ corpus, root }) => {
    const inputs: Array<[string, string, GrammarName]> = []
    const dir = join(corpus, "code")
    if (existsSync(dir)) {
      for (const lang of readdirSync(dir).sort()) {
        for (const project of readdirSync(join(dir, lang))) {
          for (const file of readdirSync(join(dir, lang, project)).filter((f) => !f.startsWith("LICENSE"))) {
            inputs.push([`${lang}/${project}/${file}`, join(dir, lang, project, file), LANGUAGE_OF[lang]!])
          }
        }
      }
    }
    for (const [path, language] of FROM_NODE_MODULES) {
      const file = join(root, "node_modules", path)
      if (existsSync(file)) inputs.push([`node_modules/${path}`, file, language])
    }
    const rows: Array<Record<string, string | number>> = []
    for (const [name, file, language] of inputs) {
      const input = readFileSync(file)
      const text = decode(input)
      const run = await runCompressor((b) => codeBytes(b, { language }), input)
      const before = tokens(text)
      const after = tokens(run.output)
      const all = await signatures(language, text)
      // "n/a" where the grammar gives up on the file and cannot say which functions are top-level.
      const kept = (out: string) => all ? `${all.filter((s) => out.includes(s)).length}/${all.length}` : "n/a"
      rows.push({
        input: name,
        lines: text.split("\n").length,
        "tokens before": before,
        "tokens after": after,
        reduction: percent(after, before),
        "signatures kept": kept(run.output),
        "syntax errors": `${await syntaxErrors(language, run.output)}/${await syntaxErrors(language, text)}`,
        "truncation signatures kept": kept(truncateLines(text, after)),
        "p50 ms": ms(run.p50),
        "p95 ms": ms(run.p95)
      })
    }
    return rows
  }
}
