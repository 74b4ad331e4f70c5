/**
 * Source code: one real file per language of the corpus, the real files of the languages added
 * since (fixtures/code-langs, the outline's among them), and files from node_modules.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { grammarOf, type GrammarName, type LanguageName, languageOfPath } from "../../stages/code/languages.ts"
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
    const inputs: Array<[string, string, LanguageName]> = []
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
    const added = join(root, "fixtures", "code-langs")
    if (existsSync(added)) {
      for (const path of readdirSync(added, { recursive: true, encoding: "utf8" }).sort()) {
        if (/LICENSE|COPYRIGHT|README/.test(path) || !path.includes("/")) continue
        // pyenv-init has no extension: its shebang says bash.
        inputs.push([`code-langs/${path}`, join(added, path), languageOfPath(path) ?? "bash"])
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
      const grammar = grammarOf(language)
      const all = grammar ? await signatures(grammar, text) : undefined
      // "n/a" where there is no grammar (the outline), or it gives up on the file and cannot say which functions are top-level.
      const kept = (out: string) => all ? `${all.filter((s) => out.includes(s)).length}/${all.length}` : "n/a"
      rows.push({
        input: name,
        lines: text.split("\n").length,
        "tokens before": before,
        "tokens after": after,
        reduction: percent(after, before),
        "signatures kept": kept(run.output),
        "syntax errors": grammar ? `${await syntaxErrors(grammar, run.output)}/${await syntaxErrors(grammar, text)}` : "n/a",
        "truncation signatures kept": kept(truncateLines(text, after)),
        "p50 ms": ms(run.p50),
        "p95 ms": ms(run.p95)
      })
    }
    return rows
  }
}
