import { Effect } from "effect"
import fc from "fast-check"
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CORPUS, ROOT, runInMemory } from "../../test/helpers.ts"
import { rebuild as reconstruct } from "../../test/rebuild.ts"
import { toBytes } from "../core/content.ts"
import { lineText, splitLines } from "../core/lines.ts"
import { parseAll } from "../core/marker.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { detect } from "./route.ts"
import { searchBytes } from "./search.ts"
import { parseEntries } from "./search/parse.ts"

const tokens = (b: Uint8Array) => Tokenizer.make("gpt-4o").count(new TextDecoder().decode(b)).tokens

/** Compresses, then checks the output rebuilds the input and names every file that matched. */
const check = async (input: Uint8Array, query?: string) => {
  const { output, rebuilt } = await runInMemory(Effect.gen(function*() {
    const c = yield* searchBytes(input, { query })
    const output = toBytes(c.output)
    return { output, rebuilt: yield* reconstruct(output) }
  }))
  expect(Buffer.compare(Buffer.from(rebuilt), Buffer.from(input))).toBe(0)
  const files = new Set(parseEntries(splitLines(input)).flatMap((e) => e.file && e.kind !== "other" ? [e.file] : []))
  const text = new TextDecoder().decode(output)
  for (const file of files) expect(text, file).toContain(file)
  return output
}

describe("search on real grep and rg output", () => {
  it("grep -rn of the effect sources (corpus): every file named, every line kept or behind a marker", async () => {
    const input = readFileSync(join(CORPUS, "tool-outputs", "grep-export-const.txt"))
    const output = await check(input)
    expect(1 - tokens(output) / tokens(input)).toBeGreaterThan(0.8)
  })

  it("1,000+ matches of grep over node_modules: at least 80% fewer tokens", async () => {
    const raw = execFileSync("grep", ["-rn", "--include=*.d.ts", "export declare const", join(ROOT, "node_modules", "effect", "dist")], {
      maxBuffer: 1 << 28,
      cwd: ROOT
    })
    const input = Buffer.from(splitLines(raw).slice(0, 4000).map((l) => Buffer.from(l)).reduce((a, b) => Buffer.concat([a, b])))
    expect(splitLines(input).length).toBeGreaterThanOrEqual(1000)
    const output = await check(input)
    expect(1 - tokens(output) / tokens(input)).toBeGreaterThanOrEqual(0.8)
  })

  it.each(readdirSync(join(ROOT, "fixtures", "search")))("%s (a real rg/grep format) rebuilds exactly", async (file) => {
    const input = readFileSync(join(ROOT, "fixtures", "search", file))
    const entries = parseEntries(splitLines(input))
    expect(entries.some((e) => e.kind === "match" && e.file?.endsWith(".ts"))).toBe(true)
    await runInMemory(Effect.gen(function*() {
      const c = yield* searchBytes(input)
      expect(Buffer.compare(Buffer.from(yield* reconstruct(toBytes(c.output))), input)).toBe(0)
    }), { minTokens: 0 })
  })

  it("ranks files and lines by the query", async () => {
    const lines = Array.from({ length: 600 }, (_, i) => `src/module${i % 60}.ts:${i + 1}:export const value${i} = compute(${i})`)
    lines[431] = "src/module11.ts:432:export const retryPolicy = backoff(3)"
    const input = new TextEncoder().encode(lines.join("\n") + "\n")
    const output = new TextDecoder().decode(await check(input, "retryPolicy backoff"))
    expect(output.split("\n")).toContain(lines[431])
  })

  it("shows the files most relevant to the query whole", async () => {
    const lines = Array.from({ length: 900 }, (_, i) => `src/m${i % 30}.ts:${i + 1}:export const v${i} = make${i % 7}()`)
    const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"]
    for (let k = 0; k < 20; k++) lines[k * 30 + 7] = `src/m7.ts:${k * 30 + 8}:export const ${words[k]} = withRetry(${words[k]}Policy)`
    const input = new TextEncoder().encode(lines.join("\n") + "\n")
    const output = new TextDecoder().decode(await check(input, "withRetry"))
    for (let k = 0; k < 20; k++) expect(output).toContain(lines[k * 30 + 7])
  })

  it("folds repeated and near-repeated lines of a file", async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `src/a.ts:${i + 1}:  log.debug("tick ${i}")`)
    const input = new TextEncoder().encode(lines.join("\n") + "\n")
    const output = new TextDecoder().decode(await check(input))
    expect(output.split("\n").filter((l) => l.startsWith("src/a.ts:"))).toHaveLength(1)
    expect(parseAll(output)[0]).toMatchObject({ count: 299, unit: "lines" })
  })
})

describe("search properties", () => {
  it("never fails on any bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (input) => {
        const c = await runInMemory(searchBytes(input), { minTokens: 0 })
        expect(toBytes(c.output).length).toBeLessThanOrEqual(input.length)
      }),
      { numRuns: 300 }
    )
  })

  const hit = fc.tuple(
    fc.constantFrom("src/a.ts", "lib/b.py", "./c/d.go", "e f.txt", "x"),
    fc.nat(5000),
    fc.constantFrom(":", "-"),
    fc.oneof(
      fc.string({ unit: "binary", maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, " ")),
      // Long lines (a minified file's match), in one- to four-byte characters.
      fc.tuple(fc.constantFrom("é", "𝄞", "a+b;", "x ", "✓"), fc.integer({ min: 500, max: 3000 })).map(([u, n]) => u.repeat(n))
    )
  ).map(([f, n, sep, t]) => `${f}${sep}${n}${sep}${t}`)
  const output = fc.array(fc.oneof(hit, fc.constant("--"), fc.string().map((s) => s.replace(/[\r\n]/g, ""))), { maxLength: 300 })
    .map((ls) => new TextEncoder().encode(ls.join("\n")))

  it("rebuilds the input exactly, never longer, deterministic", async () => {
    await fc.assert(
      fc.asyncProperty(output, fc.option(fc.string(), { nil: undefined }), async (input, query) => {
        await runInMemory(Effect.gen(function*() {
          const a = yield* searchBytes(input, { query })
          const b = yield* searchBytes(input, { query })
          expect(Buffer.compare(Buffer.from(toBytes(a.output)), Buffer.from(toBytes(b.output)))).toBe(0)
          expect(toBytes(a.output).length).toBeLessThanOrEqual(input.length)
          expect(Buffer.compare(Buffer.from(yield* reconstruct(toBytes(a.output))), Buffer.from(input))).toBe(0)
          for (const line of splitLines(toBytes(a.output))) {
            const t = lineText(line)
            if (parseAll(t).length === 0) expect(splitLines(input).map(lineText)).toContain(t)
          }
        }), { minTokens: 0 })
      }),
      { numRuns: 300 }
    )
  })
})

describe("search on long lines", () => {
  const minified = (n: number, needle: string) => {
    const body = Array.from({ length: n }, (_, i) => `function f${i}(a,b){return a+b*${i}}`)
    body[Math.floor(n / 2)] = `/* ${needle} */`
    return `!function(){${body.join(";")}}();`
  }

  it("keeps a long match line's head and tail around an in-line marker; with a query, the place it matches too", async () => {
    const lines = [
      ...Array.from({ length: 40 }, (_, i) => `src/m${i % 8}.ts:${i + 1}:// TODO: handle case ${i}`),
      `dist/app.min.js:1:${minified(3000, "TODO: drop the polyfill")}`,
      `dist/vendor.min.js:1:${minified(5000, "TODO: upgrade")}`
    ]
    const input = new TextEncoder().encode(lines.join("\n") + "\n")
    const plain = new TextDecoder().decode(await check(input))
    const asked = new TextDecoder().decode(await check(input, "polyfill"))
    for (const out of [plain, asked]) {
      const shortened = out.split("\n").filter((l) => l.startsWith("dist/"))
      expect(shortened).toHaveLength(2)
      for (const l of shortened) {
        expect(l.length).toBeLessThan(2000)
        expect(parseAll(l).every((m) => m.unit === "chars")).toBe(true)
      }
      expect(out.length).toBeLessThan(input.length / 10)
    }
    expect(plain).not.toContain("TODO: drop the polyfill")
    expect(asked).toContain("TODO: drop the polyfill")
  })

  it("numbers lines as ccr-get does, after a line of more than 1 MiB", async () => {
    const lines = [`dist/huge.min.js:1:${minified(40_000, "TODO")}`, ...Array.from({ length: 300 }, (_, i) => `src/a${i % 3}.ts:${i + 1}:  log.debug("tick ${i}")`)]
    const input = new TextEncoder().encode(lines.join("\n") + "\n")
    expect(lines[0]!.length).toBeGreaterThan(1024 * 1024)
    const output = await check(input)
    expect(parseAll(new TextDecoder().decode(output)).some((m) => m.unit === "lines")).toBe(true)
  })
})

describe("search never costs more tokens", () => {
  it("does not replace a line with a marker that costs more tokens (dialyzer-like near-repeats)", async () => {
    const files = ["lib/spotter/accounts.ex", "lib/spotter/billing/invoice.ex", "lib/spotter_web/live/dashboard_live.ex"]
    const kinds = ["pattern", "guard", "contract", "return", "call", "record"]
    const lines = files.flatMap((file, f) =>
      kinds.flatMap((kind, k) => {
        const text = `${kind}_warning The ${kind} specification for this function can never succeed because its argument types are incompatible with every caller`
        return [`${file}:${10 + 40 * k + f}:${text}`, `${file}:${30 + 40 * k + f}:${text}`]
      })
    )
    const input = new TextEncoder().encode(lines.join("\n") + "\n")
    const c = await runInMemory(searchBytes(input), { minTokens: 0 })
    expect(tokens(toBytes(c.output))).toBeLessThanOrEqual(tokens(input))
  })
})

describe("search in Gemini CLI's format", () => {
  it("groups `File:` headings and `L12:` lines by file, every file named", async () => {
    const lines = ["Found 240 matches for pattern \"CredentialStore\" in path \".\":"]
    for (let f = 0; f < 12; f++) {
      lines.push("---", `File: src/module${f}/store.ts`)
      for (let l = 0; l < 20; l++) lines.push(`L${100 + l * 3}: const store${l} = CredentialStore.getInstance(); // ${f}-${l}`)
    }
    const input = lines.join("\n") + "\n"
    expect(detect(new TextEncoder().encode(input))).toBe("search")
    const out = new TextDecoder().decode(toBytes((await runInMemory(searchBytes(new TextEncoder().encode(input)))).output))
    for (let f = 0; f < 12; f++) expect(out).toContain(`src/module${f}/store.ts`)
    expect(out.length).toBeLessThan(input.length / 2)
  })
})
