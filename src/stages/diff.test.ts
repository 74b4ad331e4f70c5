import { Effect } from "effect"
import fc from "fast-check"
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeDiffRepo } from "../../fixtures/diff-repo.ts"
import { removeHome, runInMemory, tempHome } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import { lineText, splitLines } from "../core/lines.ts"
import { parseAll } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { diffBytes } from "./diff.ts"

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
  ])("%s: every changed line kept, ≥ 50 percent fewer tokens, applies", async (_name, args, floor) => {
    const input = git(args as string)
    const { output, back } = await compress(input)
    changedLinesKept(input, output)
    expect(1 - tokens(output) / tokens(input)).toBeGreaterThanOrEqual(floor as number)
    expect(Buffer.compare(Buffer.from(back!), input)).toBe(0)
    if (!(args as string).startsWith("log")) appliesToParent(output)
    // Lock files appear once, as counts.
    const lock = parseAll(new TextDecoder().decode(output)).filter((m) => m.detail?.includes("package-lock.json"))
    if (!(args as string).includes("-- src")) expect(lock[0]?.detail).toMatch(/diff of package-lock\.json: \+\d+ −\d+ in \d+ hunks?/)
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
        }),
        { numRuns: 60 }
      )
    } finally {
      removeHome(dir)
      removeHome(join(dir, "..", `${dir.split("/").pop()}.patch`))
    }
  }, 120_000)
})
