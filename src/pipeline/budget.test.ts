/**
 * A time budget (the proxy's) keeps requests prefixes of each other: a new tool result not
 * compressed in time goes as it came and stays so on later turns, and the history keeps the form it
 * was sent in. Replayed on the corpus Claude Code session, with a budget of 0 ms on every other
 * turn (everything new in those turns is over it).
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { CORPUS, runInMemory } from "../../test/helpers.ts"
import { sessions } from "../evals/sessions.ts"
import { type Compressed, compressRequest } from "./compress-request.ts"
import { Memo } from "./memo.ts"

const TURNS = 40
const session = sessions(CORPUS).find((s) => s.file.includes("258c7280") && !s.file.includes("subagents"))!
type Body = { messages: Array<{ content: unknown }> }
const turns = session.turns.slice(0, TURNS).map((t) => t.body as Body)

/** The messages as JSON text without the closing bracket: what the next turn's must start with. */
const open = (messages: unknown) => JSON.stringify(messages).slice(0, -1)
const toolResults = (messages: ReadonlyArray<{ content: unknown }>) =>
  messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((b: any) => b?.type === "tool_result").length

/** Each turn compressed with one memo; `budgetOf(n)` is turn n's budget (undefined: none). */
const replay = (budgetOf: (n: number) => number | undefined) =>
  runInMemory(Effect.gen(function*() {
    const memo = new Memo()
    const out: Array<Compressed<Body>> = []
    for (const [n, body] of turns.entries()) out.push((yield* compressRequest(body, { provider: "anthropic", memo, budgetMs: budgetOf(n) })) as Compressed<Body>)
    return out
  }))

describe("a time budget", () => {
  it("sends new results over it as they came, keeps them so, and keeps each request a prefix of the next", async () => {
    const budgeted = await replay((n) => (n % 2 === 0 ? 0 : undefined))
    let extended = 0
    for (let n = 0; n + 1 < turns.length; n++) {
      if (!open(turns[n + 1]!.messages).startsWith(open(turns[n]!.messages))) continue
      extended++
      expect(open(budgeted[n + 1]!.body.messages).startsWith(open(budgeted[n]!.body.messages)), `turn ${n + 1}`).toBe(true)
      // Every tool result new in a turn with no time left is over the budget, and counted.
      const fresh = toolResults(turns[n + 1]!.messages) - toolResults(turns[n]!.messages)
      if ((n + 1) % 2 === 0) expect(budgeted[n + 1]!.stats.overBudget ?? 0).toBe(fresh)
      else expect(budgeted[n + 1]!.stats.overBudget).toBeUndefined()
    }
    expect(extended).toBeGreaterThanOrEqual(TURNS - 3)

    // The turns with time compress; those over it are what keeps the last request larger than with no budget at all.
    const unbudgeted = await replay(() => undefined)
    const last = turns.length - 1
    const size = (r: Compressed<Body>) => JSON.stringify(r.body.messages).length
    expect(size(budgeted[last]!)).toBeLessThan(JSON.stringify(turns[last]!.messages).length)
    expect(size(budgeted[last]!)).toBeGreaterThan(size(unbudgeted[last]!))
    expect(budgeted.some((r) => (r.stats.overBudget ?? 0) > 0 && r.stats.passthrough["over-budget"]! > 0)).toBe(true)
  }, 60_000)

  it("lets a turn with no time left keep the history's compressed form", async () => {
    // A turn whose new result is compressed when there is time: given none, it goes as it came.
    const unbudgeted = await replay(() => undefined)
    const k = unbudgeted.findIndex((r, n) => n > 10 && r.stats.compressed > unbudgeted[n - 1]!.stats.compressed)
    expect(k).toBeGreaterThan(0)
    const out = await replay((n) => (n === k ? 0 : undefined))
    expect(out[k - 1]!.body).toEqual(unbudgeted[k - 1]!.body)
    expect(open(out[k]!.body.messages).startsWith(open(out[k - 1]!.body.messages))).toBe(true)
    expect(out[k]!.stats.compressed).toBe(out[k - 1]!.stats.compressed)
    expect(out[k]!.stats.overBudget).toBeGreaterThan(0)
    // With time again, the next turn sends that result as it was sent, and compresses its own.
    expect(open(out[k + 1]!.body.messages).startsWith(open(out[k]!.body.messages))).toBe(true)
    expect(out[k + 1]!.stats.overBudget).toBeUndefined()
  }, 60_000)
})
