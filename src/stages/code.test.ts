import { Effect } from "effect"
import fc from "fast-check"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CORPUS, reconstruct, ROOT, runInMemory } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import { parseAll } from "../core/marker.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { retrieve } from "./ccr-get.ts"
import { codeBytes } from "./code.ts"
import { GRAMMARS, type GrammarName } from "./code/languages.ts"
import { signatures, syntaxErrors } from "./code/inspect.ts"

const tokens = (s: string) => Tokenizer.make("gpt-4o").count(s).tokens
const text = (b: Uint8Array | string) => typeof b === "string" ? b : new TextDecoder().decode(b)

const parsesCleanly = async (language: GrammarName, source: string): Promise<boolean> => (await syntaxErrors(language, source)) === 0

const corpus: Array<[string, GrammarName]> = [
  ["python/requests/models.py", "python"],
  ["javascript/express/response.js", "javascript"],
  ["typescript/got/index.ts", "typescript"],
  ["go/gin/context.go", "go"],
  ["rust/json/de.rs", "rust"],
  ["java/gson/JsonReader.java", "java"],
  ["cpp/leveldb/db_impl.cc", "cpp"]
]

describe("code on real source files", () => {
  it.each(corpus)("%s: parses, keeps every signature, elided bodies come back by --lines", async (path, language) => {
    const input = readFileSync(join(CORPUS, "code", path))
    const source = text(input)
    const { output, bodies } = await runInMemory(Effect.gen(function*() {
      const c = yield* codeBytes(input)
      expect(c.type).toBe(`code:${language}`)
      const output = text(toBytes(c.output))
      const bodies: Array<[string, string]> = []
      for (const m of parseAll(output)) {
        const [a, b] = m.selector!.lines!.split("-").map(Number) as [number, number]
        bodies.push([text((yield* retrieve(m.key, { lines: m.selector!.lines })).output!), source.split(/(?<=\n)/).slice(a - 1, b).join("")])
      }
      return { output, bodies }
    }))
    // The output parses as well as the input (leveldb's GUARDED_BY macros trip the C++ grammar).
    expect(await syntaxErrors(language, output)).toBeLessThanOrEqual(await syntaxErrors(language, source))
    for (const signature of (await signatures(language, source))!) expect(output).toContain(signature)
    expect(bodies.length).toBeGreaterThan(0)
    for (const [got, expected] of bodies) expect(got).toBe(expected)
  })

  it("saves at least half the tokens on files over 300 lines, but for many tiny functions", async () => {
    const reductions: Record<string, number> = {}
    for (const [path] of corpus) {
      const input = readFileSync(join(CORPUS, "code", path))
      const c = await runInMemory(codeBytes(input))
      reductions[path] = 1 - tokens(text(toBytes(c.output))) / tokens(text(input))
    }
    // gin's context.go is 148 functions, most of two or three lines: their signatures and doc
    // comments are the file, and a marker would cost more than such a body.
    for (const [path, r] of Object.entries(reductions)) if (!path.startsWith("go/")) expect(r, path).toBeGreaterThanOrEqual(0.5)
    expect(reductions["go/gin/context.go"]).toBeGreaterThan(0.15)
  })

  // Measured floors: files of long functions save more than half; files made mostly of type-level
  // declarations or of one-line functions keep most of themselves by design.
  it.each([
    ["effect/src/Stream.ts", 0.5],
    ["esbuild/lib/main.js", 0.5],
    ["fast-check/lib/fast-check.js", 0.5],
    ["effect/src/Schema.ts", 0.3],
    ["effect/src/internal/effect.ts", 0.15]
  ] as const)("node_modules/%s: parses as well, every signature kept, at least %s fewer tokens", async (path, floor) => {
    const input = readFileSync(join(ROOT, "node_modules", path))
    const language: GrammarName = path.endsWith(".ts") ? "typescript" : "javascript"
    const c = await runInMemory(codeBytes(input, { language }))
    const output = text(toBytes(c.output))
    // Undefined for effect's Stream.ts and internal/effect.ts: the grammar gives up on them (TS
    // syntax it lacks), so which functions are top-level cannot be read from its tree.
    for (const signature of (await signatures(language, text(input))) ?? []) expect(output).toContain(signature)
    expect(await syntaxErrors(language, output)).toBeLessThanOrEqual(await syntaxErrors(language, text(input)))
    expect(1 - tokens(output) / tokens(text(input))).toBeGreaterThanOrEqual(floor)
  }, 60_000)

  it("keeps whole the bodies that match the query", async () => {
    const input = readFileSync(join(CORPUS, "code", "python/requests/models.py"))
    const output = text(toBytes((await runInMemory(codeBytes(input, { query: "iter_content" }))).output))
    const body = text(input).split("\n").find((l) => l.includes("def iter_content"))!
    expect(output).toContain(body)
    expect(output).toContain("def generate() -> Generator[bytes, None, None]:") // from inside iter_content's body
  })

  it("leaves out the middle of long data literals outside functions, but not of one about the query or holding a function", async () => {
    const table = Array.from({ length: 30 }, (_, i) => `  ${i * 1000}, ${i * 1000 + 1}, ${i * 1000 + 2}, ${i * 1000 + 3}, ${i * 1000 + 4},`).join("\n")
    const handlers = Array.from({ length: 12 }, (_, i) => `  function handle${i}(event) { return event.kind === ${i} },`).join("\n")
    const source = `const TABLE = [\n${table}\n]\n\nconst HANDLERS = [\n${handlers}\n]\n\nexport function lookup(i) {\n  return TABLE[i]\n}\n`
    const run = async (query?: string) => text(toBytes((await runInMemory(codeBytes(new TextEncoder().encode(source), { language: "javascript", query }))).output))
    const output = await run()
    expect(output).toMatch(/^const TABLE = \[\n  \/\/ \[30 lines not shown; values of TABLE · headroom_retrieve hash=[0-9a-f]{12} lines=2-31\]\n\]\n/)
    expect(output).toContain("function handle11(event)") // a literal holding functions stays whole
    expect(await parsesCleanly("javascript", output)).toBe(true)
    expect(await run("29000")).toContain("  29000, 29001") // about the query: whole
  })

  it("passes prose through: it is not code", async () => {
    const input = new TextEncoder().encode("Just some prose, long enough to be worth a look.\n".repeat(40))
    expect((await runInMemory(codeBytes(input))).passthrough).toBe("not-code")
  })
})

describe("code properties", () => {
  const fnJs = fc.tuple(fc.constantFrom("alpha", "beta", "gamma"), fc.nat(99), fc.array(fc.constantFrom("  const x = compute(1)", "  if (x) { return x }", "  // note", "  y += 2"), { maxLength: 12 }))
    .map(([n, i, body]) => `export function ${n}${i}(a, b) {\n${body.join("\n")}\n  return a + b\n}\n`)
  const fnPy = fc.tuple(fc.constantFrom("alpha", "beta"), fc.nat(99), fc.array(fc.constantFrom("    x = compute(1)", "    if x:\n        return x", "    # note", "    y = 2"), { maxLength: 12 }), fc.boolean())
    .map(([n, i, body, doc]) => `def ${n}${i}(a, b):\n${doc ? '    """Summary.\n\n    More words.\n    Even more.\n    """\n' : ""}${body.join("\n")}\n    return a + b\n`)

  it.each([["javascript", fnJs], ["python", fnPy]] as const)("%s: parses, rebuilds exactly, deterministic, never longer", async (language, fn) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fn, { minLength: 1, maxLength: 30 }), async (fns) => {
        const input = new TextEncoder().encode(fns.join("\n"))
        const { a, b, rebuilt } = await runInMemory(Effect.gen(function*() {
          const a = yield* codeBytes(input, { language })
          const b = yield* codeBytes(input, { language })
          return { a, b, rebuilt: yield* reconstruct(toBytes(a.output), input) }
        }), { minTokens: 0 })
        const out = text(toBytes(a.output))
        expect(out).toBe(text(toBytes(b.output)))
        expect(toBytes(a.output).length).toBeLessThanOrEqual(input.length)
        expect(text(rebuilt)).toBe(text(input))
        expect(await parsesCleanly(language, out)).toBe(true)
      }),
      { numRuns: 100 }
    )
  })

  it("never fails on any bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom(...(Object.keys(GRAMMARS) as Array<GrammarName>)), async (input, language) => {
        const c = await runInMemory(codeBytes(input, { language }), { minTokens: 0 })
        expect(toBytes(c.output).length).toBeLessThanOrEqual(input.length)
      }),
      { numRuns: 200 }
    )
  })
})

