/**
 * The languages added to the code stage, on real files of more than 300 lines: each is told by
 * its content and by its path, every function header stays, the output parses as well as the
 * input where there is a grammar, every kept line is the input's and every marker returns
 * exactly what it hides, and the reduction is what was measured.
 */
import { Effect } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { unfaithful } from "../../../test/faithful.ts"
import { ROOT, runInMemory } from "../../../test/helpers.ts"
import * as Tokenizer from "../../core/tokenizer.ts"
import { codeBytes } from "../code.ts"
import { detect } from "../route.ts"
import { signatures, syntaxErrors } from "./inspect.ts"
import { grammarOf, type LanguageName } from "./languages.ts"

const DIR = join(ROOT, "fixtures", "code-langs")
const tokens = (s: string) => Tokenizer.make("gpt-4o").count(s).tokens

/**
 * Measured reductions (o200k_base tokens), with the floor each must keep. Files of many tiny
 * functions or clauses keep most of themselves by design: a marker (~25 tokens) costs more than
 * such a body, and every clause's header is a function header.
 */
const FILES: ReadonlyArray<readonly [path: string, language: LanguageName, floor: number]> = [
  ["c/json_process.c", "c", 0.7], // 73.0%
  ["csharp/Extensions.cs", "csharp", 0.5], // 54.5%
  ["ruby/set.rb", "ruby", 0.5], // 56.7%
  ["php/CloudStorageClient.php", "php", 0.35], // 37.8%: constant tables and 2-4 line methods
  ["php/Memcache.php", "php", 0.5], // 56.5%
  ["kotlin/FileSystem.kt", "kotlin", 0.65], // 69.8%: declarations with no bodies, and their KDoc
  ["kotlin/Path.kt", "kotlin", 0.55], // 57.0%
  ["swift/Response.swift", "swift", 0.38], // 40.0%
  ["scala/ORunner.scala", "scala", 0.9], // 92.5%
  ["elixir/decoder.ex", "elixir", 0.35], // 38.2%: multi-clause functions of 1-3 lines
  ["bash/pyenv-init", "bash", 0.6], // 68.2%
  ["lua/List.lua", "lua", 0.24], // 26.0%: one-to-four-line methods under doc comments
  ["lua/stringx.lua", "lua", 0.4], // 44.6%
  ["erlang/queue.erl", "erlang", 0.1], // 12.6%: the outline; clauses of one or two lines
  ["ocaml/buffer.ml", "ocaml", 0.55], // 58.9%: the outline
  ["perl/ParseWords.pm", "perl", 0.4] // 47.1%: the outline
]

describe("code in the languages added", () => {
  it("has a fixture for every file listed, over 300 lines each", () => {
    const present = readdirSync(DIR, { recursive: true, encoding: "utf8" }).filter((f) => !/LICENSE|COPYRIGHT|README/.test(f) && f.includes("/"))
    expect(present.sort()).toEqual(FILES.map(([path]) => path).sort())
    for (const [path] of FILES) expect(readFileSync(join(DIR, path), "utf8").split("\n").length, path).toBeGreaterThan(300)
  })

  it.each(FILES)("%s: told as %s by content and by path, faithful, headers kept, parses, reduced as measured", async (path, language, floor) => {
    const input = readFileSync(join(DIR, path))
    const source = input.toString("utf8")
    expect(detect(input)).toBe(`code:${language}`)
    expect(detect(input, { path })).toBe(`code:${language}`)
    const { output, problems } = await runInMemory(Effect.gen(function*() {
      const c = yield* codeBytes(input, { path })
      expect(c.type).toBe(`code:${language}`)
      // Buffer keeps a byte-order mark (C# files often open with one); TextDecoder would drop it.
      const output = typeof c.output === "string" ? c.output : Buffer.from(c.output).toString("utf8")
      return { output, problems: yield* unfaithful(source, output) }
    }))
    expect(problems).toEqual([])
    const grammar = grammarOf(language)
    if (grammar) {
      for (const signature of (await signatures(grammar, source)) ?? []) expect(output, path).toContain(signature)
      expect(await syntaxErrors(grammar, output)).toBeLessThanOrEqual(await syntaxErrors(grammar, source))
    }
    expect(1 - tokens(output) / tokens(source)).toBeGreaterThanOrEqual(floor)
  }, 60_000)
})
