import { describe, expect, it } from "vitest"
import { Memo } from "./memo.ts"

describe("Memo", () => {
  it("forgets the least recently used outcomes once they weigh more than their budget", () => {
    const memo = new Memo({ outcomeChars: 1_000 })
    for (let i = 0; i < 100; i++) memo.set(`k${i}`, i, 98)
    // Each weighs its text and its key (about 100): ten fit.
    expect(memo.get("k0")).toBeUndefined()
    expect(memo.get("k89")).toBeUndefined()
    expect(memo.get("k91")).toBe(91)
    expect(memo.get("k99")).toBe(99)
  })

  it("a read makes an outcome recent", () => {
    const memo = new Memo({ outcomes: 2 })
    memo.set("a", 1)
    memo.set("b", 2)
    expect(memo.get("a")).toBe(1)
    memo.set("c", 3)
    expect(memo.get("a")).toBe(1)
    expect(memo.get("b")).toBeUndefined()
  })

  it("keeps the newest state even when it alone is over the budget, and the one that covers most is taken out", () => {
    const memo = new Memo({ stateChars: 100 })
    memo.putState("s1", { n: 3 }, 50)
    memo.putState("s2", { n: 5 }, 40)
    memo.putState("big", { n: 1 }, 1_000)
    expect(memo.takeLongest<{ n: number }>((s) => s.n)).toEqual({ n: 1 })
    expect(memo.takeLongest<{ n: number }>((s) => s.n)).toBeUndefined()
    memo.putState("s1", { n: 3 }, 50)
    memo.putState("s2", { n: 5 }, 40)
    expect(memo.takeLongest<{ n: number }>((s) => (s.n === 5 ? -1 : s.n))).toEqual({ n: 3 })
    expect(memo.takeLongest<{ n: number }>((s) => s.n)).toEqual({ n: 5 })
  })
})
