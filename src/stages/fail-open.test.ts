import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { reconstruct, runInMemory } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import { failOpen } from "./fail-open.ts"
import { collectEmitted, logs, logsBytes } from "./logs.ts"
import { LogCompressor } from "./logs/log-compressor.ts"

const encode = (s: string) => new TextEncoder().encode(s)

/** A log compressor that breaks on the given line. */
class BreaksAt extends LogCompressor {
  private seen = 0
  constructor(private readonly at: number) {
    super()
  }
  override push(line: Uint8Array) {
    if (++this.seen === this.at) throw new Error("unforeseen input")
    super.push(line)
  }
}

const log = Array.from({ length: 500 }, (_, i) => `2026-11-20 08:00:00 INFO tick ${i}\n`).join("")

describe("fail open", () => {
  it("returns the input unchanged when a compressor breaks", async () => {
    const input = encode("anything")
    const result = await Effect.runPromise(Effect.die(new Error("boom")).pipe(failOpen(input, "x", "text")))
    expect(result).toMatchObject({ output: input, passthrough: "internal-error", note: "boom" })
  })

  it("logs in batch: a compressor that breaks gives the input back unchanged", async () => {
    const input = encode(log)
    const c = await runInMemory(logsBytes(input, { makeCompressor: () => new BreaksAt(300) }))
    expect(Buffer.compare(Buffer.from(toBytes(c.output)), Buffer.from(input))).toBe(0)
    expect(c.passthrough).toBe("internal-error")
    expect(c.note).toMatch(/at line 300: unforeseen input/)
  })

  it("logs as a stream: what was held and all that follows passes through; nothing is lost", async () => {
    const input = encode(log)
    const { c, rebuilt } = await runInMemory(Effect.gen(function*() {
      const c = yield* collectEmitted(Stream.make(input.subarray(0, 7000), input.subarray(7000)).pipe(logs({ makeCompressor: () => new BreaksAt(250) })))
      return { c, rebuilt: yield* reconstruct(toBytes(c.output)) }
    }))
    expect(c.note).toMatch(/line 250/)
    expect(Buffer.compare(Buffer.from(rebuilt), Buffer.from(input))).toBe(0)
    expect(new TextDecoder().decode(toBytes(c.output))).toContain("tick 499\n")
  })
})
