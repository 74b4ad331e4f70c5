import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { toolResults } from "../src/evals/transcripts.ts"
import { decodeUtf8 } from "../src/core/content.ts"
import { parse } from "../src/core/json.ts"
import { Store } from "../src/core/store.ts"
import { compressBytes } from "../src/stages/compress.ts"
import { unfaithful } from "./faithful.ts"
import { CORPUS, runInMemory } from "./helpers.ts"

const results = toolResults(CORPUS)

describe("compress on every tool result of the corpus transcripts (Claude Code, Codex, Gemini CLI)", () => {
  it("reads them all", () => {
    expect(results.length).toBeGreaterThanOrEqual(370)
    expect(new Set(results.map((r) => r.agent))).toEqual(new Set(["claude-code", "codex", "gemini-cli"]))
  })

  it("shows only lines of the input, byte for byte, and every marker returns exactly what it hides", async () => {
    const problems: Array<string> = []
    let compressed = 0
    for (const r of results) {
      const input = new TextEncoder().encode(r.text)
      const found = await runInMemory(Effect.gen(function*() {
        const c = yield* compressBytes(input)
        if (c.passthrough !== undefined) return []
        compressed++
        const output = typeof c.output === "string" ? c.output : decodeUtf8(c.output)!
        if (c.stage === "crush") {
          // JSON is rewritten, not cut into lines: it must parse, and its original come back whole.
          parse(output)
          const original = yield* (yield* Store).get(c.key!)
          return decodeUtf8(original) === r.text ? [] : ["crush: the stored original differs"]
        }
        return yield* unfaithful(r.text, output)
      }))
      for (const p of found) problems.push(`${r.file} ${r.tool}: ${p}`)
    }
    expect(problems).toEqual([])
    expect(compressed).toBeGreaterThan(40)
  })
})
