import { Effect } from "effect"
import fc from "fast-check"
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeDiffRepo } from "../evals/diff-repo.ts"
import { removeHome, runInMemory, tempHome } from "../../test/helpers.ts"
import { rebuild } from "../../test/rebuild.ts"
import { toBytes } from "../core/content.ts"
import { lineText, splitLines } from "../core/lines.ts"
import { parseAll } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { diffBytes } from "./diff.ts"

const encoder = new TextEncoder()
const tokens = (b: Uint8Array) => Tokenizer.make("gpt-4o").count(new TextDecoder().decode(b)).tokens

let repo: string
let git: (args: string) => Buffer

beforeAll(() => {
  repo = tempHome()
  git = makeDiffRepo(repo).git
})
afterAll(() => removeHome(repo))

const compress = (input: Uint8Array) =>
  runInMemory(Effect.gen(function*() {
    const c = yield* diffBytes(input)
    const back = c.key ? yield* (yield* Store).get(c.key) : undefined
    return { output: toBytes(c.output), back }
  }))

/** Every + / - line of files other than lock files appears in the output, in order. */
const changedLinesKept = (input: Uint8Array, output: Uint8Array) => {
  const out = splitLines(output).map(lineText)
  let file = ""
  let at = 0
  for (const line of splitLines(input).map(lineText)) {
    if (line.startsWith("diff --git")) file = line
    if (file.includes("package-lock.json") || line.startsWith("+++") || line.startsWith("---")) continue
    if (line.startsWith("+") || line.startsWith("-")) {
      const found = out.indexOf(line, at)
      expect(found, line).toBeGreaterThanOrEqual(0)
      at = found + 1
    }
  }
}

/**
 * History: every changed line is shown, in order, except the middles of long runs of added (or
 * removed) lines, which are behind markers naming their file; each marker hides lines of one run.
 */
const changedLinesKeptOrFolded = (input: Uint8Array, output: Uint8Array) => {
  const inLines = splitLines(input).map(lineText)
  const folded = new Set<number>()
  for (const m of parseAll(new TextDecoder().decode(output))) {
    if (!/^(?:added|removed) lines of /.test(m.detail ?? "")) continue
    const [a, b] = m.selector!.lines!.split("-").map(Number) as [number, number]
    const sign = inLines[a - 1]![0]
    for (let i = a - 1; i < b; i++) {
      expect(inLines[i]![0]).toBe(sign)
      folded.add(i)
    }
    // A fold keeps the first lines of its run.
    expect(inLines[a - 9]![0]).toBe(sign)
  }
  const out = splitLines(output).map(lineText)
  let at = 0
  let file = ""
  inLines.forEach((line, i) => {
    if (line.startsWith("diff --git")) file = line
    if (folded.has(i) || file.includes("package-lock.json") || /^(?:\+\+\+|---) /.test(line)) return
    if (line.startsWith("+") || line.startsWith("-")) {
      const found = out.indexOf(line, at)
      expect(found, line).toBeGreaterThanOrEqual(0)
      at = found + 1
    }
  })
  return folded.size
}

const appliesToParent = (output: Uint8Array) => {
  const patch = join(repo, "..", `${repo.split("/").pop()}.patch`)
  writeFileSync(patch, output)
  git("checkout -q HEAD~1")
  try {
    git(`apply --check "${patch}"`)
  } finally {
    git("checkout -q -")
    removeHome(patch)
  }
}

describe("diff on a repository the test creates", () => {
  it.each([
    ["git diff HEAD~1 (lock file dominates)", "diff HEAD~1", 0.5],
    ["git diff -U40 HEAD~1 -- src (long context)", "diff -U40 HEAD~1 -- src", 0.5],
    ["git log -p -2 (history)", "log -p -2", 0.5]
  ])("%s: every changed line kept (in history, long runs folded), ≥ 50 percent fewer tokens, applies", async (_name, args, floor) => {
    const input = git(args as string)
    const { output, back } = await compress(input)
    if ((args as string).startsWith("log")) changedLinesKeptOrFolded(input, output)
    else changedLinesKept(input, output)
    expect(1 - tokens(output) / tokens(input)).toBeGreaterThanOrEqual(floor as number)
    expect(Buffer.compare(Buffer.from(back!), input)).toBe(0)
    if (!(args as string).startsWith("log")) appliesToParent(output)
    // Lock files appear once, as counts.
    const lock = parseAll(new TextDecoder().decode(output)).filter((m) => m.detail?.includes("package-lock.json"))
    if (!(args as string).includes("-- src")) expect(lock[0]?.detail).toMatch(/diff of package-lock\.json: \+\d+ −\d+ in \d+ hunks?/)
  })

  it("git log -p with default context: a new file's lines folded to its first and last, the edits kept, rebuilt exactly", async () => {
    const input = git("log -p -- src")
    const { output, back } = await compress(input)
    expect(changedLinesKeptOrFolded(input, output)).toBeGreaterThan(500)
    expect(1 - tokens(output) / tokens(input)).toBeGreaterThanOrEqual(0.8)
    expect(Buffer.compare(Buffer.from(back!), input)).toBe(0)
    const text = new TextDecoder().decode(output)
    expect(text).toContain("+export function step0(x: number)")
    expect(text).toContain("+export function step599(x: number)")
    expect(parseAll(text).map((m) => m.detail)).toContain("added lines of src/steps.ts")
  })

  it("leaves a default-context diff of source alone (nothing worth cutting)", async () => {
    const input = git("diff HEAD~1 -- src")
    const { output } = await compress(input)
    expect(Buffer.compare(Buffer.from(output), input)).toBe(0)
  })
})

describe("diff properties", () => {
  it("never fails on any bytes, nor on diff-shaped garbage", async () => {
    const shaped = fc.array(fc.oneof(
      fc.constantFrom("diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1,3 +1,3 @@", "@@ -0,0 +1 @@", " ctx", "-old", "+new", "\\ No newline at end of file", "commit abc"),
      fc.string()
    ), { maxLength: 200 }).map((ls) => new TextEncoder().encode(ls.join("\n")))
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 3000 }), shaped), async (input) => {
        const c = await runInMemory(diffBytes(input), { minTokens: 0 })
        expect(toBytes(c.output).length).toBeLessThanOrEqual(input.length)
      }),
      { numRuns: 300 }
    )
  })

  const fileLines = fc.array(fc.constantFrom("a", "b", "c", "d", "e", "x = 1", "", "  indented"), { minLength: 0, maxLength: 120 })
  const edit = fc.tuple(fileLines, fc.array(fc.tuple(fc.nat(200), fc.constantFrom("add", "del", "change"), fc.string({ maxLength: 12 })), { maxLength: 8 }))

  it("on generated diffs: every changed line kept, never longer, applies, deterministic", async () => {
    const dir = tempHome()
    const run = (args: Array<string>) => execFileSync("git", args, { cwd: dir, stdio: "pipe" })
    run(["init", "-q"])
    try {
      await fc.assert(
        fc.asyncProperty(edit, fc.integer({ min: 0, max: 30 }), async ([before, edits], context) => {
          const after: Array<string> = [...before]
          for (const [at, kind, text] of edits) {
            const i = after.length === 0 ? 0 : at % after.length
            const clean = text.replace(/[\r\n]/g, "")
            if (kind === "add") after.splice(i, 0, `+${clean}`)
            else if (kind === "del") after.splice(i, 1)
            else after[i] = `~${clean}`
          }
          // The index holds the old file, the work tree the new one: `git diff` is their diff.
          writeFileSync(join(dir, "f.txt"), before.join("\n") + "\n")
          run(["add", "f.txt"])
          writeFileSync(join(dir, "f.txt"), after.join("\n") + "\n")
          const input = run(["diff", `-U${context}`])
          const a = await runInMemory(diffBytes(input), { minTokens: 0 })
          const b = await runInMemory(diffBytes(input), { minTokens: 0 })
          const out = toBytes(a.output)
          expect(Buffer.compare(Buffer.from(out), Buffer.from(toBytes(b.output)))).toBe(0)
          expect(out.length).toBeLessThanOrEqual(input.length)
          changedLinesKept(input, out)
          writeFileSync(join(dir, "..", `${dir.split("/").pop()}.patch`), out)
          // Hunks without context apply only with --unidiff-zero, for the input as for the output.
          const zero = context === 0 ? ["--unidiff-zero"] : []
          if (input.length > 0) run(["apply", "--cached", "--check", ...zero, join(dir, "..", `${dir.split("/").pop()}.patch`)])
          // The same diff as history: long runs may fold, and everything comes back.
          const history = Buffer.concat([Buffer.from("commit 0123456789abcdef0123456789abcdef01234567\nAuthor: t <t@example.com>\n\n    edit\n\n"), input])
          const back = await runInMemory(Effect.gen(function*() {
            const c = yield* diffBytes(history)
            expect(toBytes(c.output).length).toBeLessThanOrEqual(history.length)
            changedLinesKeptOrFolded(history, toBytes(c.output))
            return yield* rebuild(toBytes(c.output))
          }), { minTokens: 0 })
          expect(Buffer.compare(Buffer.from(back), history)).toBe(0)
        }),
        { numRuns: 60 }
      )
    } finally {
      removeHome(dir)
      removeHome(join(dir, "..", `${dir.split("/").pop()}.patch`))
    }
  }, 120_000)
})

describe("diff: long lines and tokens", () => {
  const run = (dir: string, args: Array<string>) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, stdio: "pipe", maxBuffer: 1 << 28 })

  it("a commit message line too long to read keeps its head and tail around an in-line marker", async () => {
    const dir = tempHome()
    try {
      run(dir, ["init", "-q"])
      writeFileSync(join(dir, "a.txt"), Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n") + "\n")
      run(dir, ["add", "a.txt"])
      const message = `fix: ${Array.from({ length: 400 }, (_, i) => `reason ${i} explained at length`).join(", ")}`
      run(dir, ["commit", "-qm", message])
      const input = run(dir, ["log", "-p", "-1"])
      const { output } = await compress(input)
      const text = new TextDecoder().decode(output)
      const line = text.split("\n").find((l) => l.startsWith("    fix: "))!
      expect(line.length).toBeLessThan(2000)
      expect(parseAll(line)).toMatchObject([{ unit: "chars" }])
      const rebuilt = await runInMemory(Effect.gen(function*() {
        const c = yield* diffBytes(input)
        return yield* rebuild(toBytes(c.output))
      }))
      expect(Buffer.compare(Buffer.from(rebuilt), input)).toBe(0)
    } finally {
      removeHome(dir)
    }
  })

  it("cuts context only where the marker and the headers it repeats cost fewer tokens than the lines", async () => {
    const dir = tempHome()
    try {
      run(dir, ["init", "-q"])
      // Long lines first, then a stretch of one-token lines: cutting the first pays, cutting the second would not.
      const before = [
        ...Array.from({ length: 60 }, (_, i) => `export const setting${i} = resolveConfiguration("service.section${i}.value", defaults.section${i})`),
        ...Array.from({ length: 60 }, () => "}")
      ]
      const after = before.map((l, i) => i % 20 === 10 ? `${l} // changed` : l)
      writeFileSync(join(dir, "f.ts"), before.join("\n") + "\n")
      run(dir, ["add", "f.ts"])
      writeFileSync(join(dir, "f.ts"), after.join("\n") + "\n")
      const input = run(dir, ["diff", "-U12"])
      const { output } = await compress(input)
      const inLines = splitLines(input)
      const outText = new TextDecoder().decode(output)
      const markers = parseAll(outText)
      expect(markers.length).toBeGreaterThan(0)
      for (const m of markers) {
        const [a, b] = m.selector!.lines!.split("-").map(Number) as [number, number]
        const hidden = Buffer.concat(inLines.slice(a - 1, b))
        const line = outText.split("\n").find((l) => l.includes(`lines=${m.selector!.lines}`))!
        expect(tokens(encoder.encode(`${line}\n`)), line).toBeLessThan(tokens(hidden))
      }
      expect(tokens(output)).toBeLessThan(tokens(input))
      changedLinesKept(input, output)
      writeFileSync(join(dir, "out.patch"), output)
      run(dir, ["apply", "--cached", "--check", "out.patch"])
    } finally {
      removeHome(dir)
    }
  })
})
