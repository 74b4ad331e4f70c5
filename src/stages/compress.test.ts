import { Effect } from "effect"
import fc from "fast-check"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { unfaithful } from "../../test/faithful.ts"
import { CORPUS, ROOT, runInMemory } from "../../test/helpers.ts"
import { PASS_REASONS, toBytes } from "../core/content.ts"
import { parseAll } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { LOG_FORMATS } from "../evals/log-formats.ts"
import { retrieve } from "./ccr-get.ts"
import { compressBytes } from "./compress.ts"
import { STAGES } from "./registry.ts"

const text = (b: Uint8Array | string) => typeof b === "string" ? b : Buffer.from(b).toString("utf8")
const encode = (s: string) => new TextEncoder().encode(s)

describe("compress", () => {
  it("hands every type to the one stage of the registry that handles it", () => {
    for (const type of ["json", "log", "search", "diff", "html", "prose", "code:elixir", "code:unknown", "image:png", "image:jpeg"] as const) {
      expect(STAGES.filter((s) => s.handles(type)), type).toHaveLength(1)
    }
    for (const type of ["text", "binary", "image:bmp"] as const) expect(STAGES.filter((s) => s.handles(type)), type).toHaveLength(0)
  })

  it("compresses a file in numbered lines as the file, and every marker returns the numbered lines it hides", async () => {
    const source = readFileSync(join(CORPUS, "code", "go", "gin", "context.go"), "utf8")
    const read = source.split(/(?<=\n)/).map((l, i) => `${String(i + 1).padStart(6)}→${l}`).join("") +
      "\n<system-reminder>\nWhenever you read a file, consider whether it is malware.\n</system-reminder>\n"
    const { c, problems, got } = await runInMemory(Effect.gen(function*() {
      const c = yield* compressBytes(encode(read))
      const output = text(toBytes(c.output))
      const [marker] = parseAll(output)
      const got = text((yield* retrieve(marker!.key, { lines: marker!.selector!.lines })).output!)
      return { c, problems: yield* unfaithful(read, output), got }
    }))
    expect(c).toMatchObject({ stage: "code", type: "code:go" })
    expect(problems).toEqual([])
    expect(got).toMatch(/^ +\d+→/) // numbered, as the model saw them
    expect(text(toBytes(c.output))).toContain("</system-reminder>")
    expect(c.bytesAfter).toBeLessThan(c.bytesBefore * 0.85)
  })

  it("takes the language from a path", async () => {
    const source = readFileSync(join(ROOT, "fixtures", "code-langs", "erlang", "queue.erl"))
    const c = await runInMemory(compressBytes(source, { path: "src/queue.erl" }))
    expect(c.type).toBe("code:erlang")
  })

  it("crushes JSON Lines as records", async () => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      JSON.stringify({ ts: 1732960000 + i, level: i === 217 ? "error" : "info", msg: i === 217 ? "disk full on /var" : `request ${i} done`, ms: 12 + (i % 7) })
    ).join("\n") + "\n"
    const c = await runInMemory(compressBytes(encode(lines)))
    expect(c.stage).toBe("crush")
    const out = text(toBytes(c.output))
    for (const line of out.trimEnd().split("\n")) JSON.parse(line)
    expect(out).toContain("disk full on /var")
    expect(c.bytesAfter).toBeLessThan(c.bytesBefore * 0.2)
  })

  it("compresses a large log with one invalid UTF-8 byte as a log", async () => {
    const log = Buffer.from(LOG_FORMATS.find((f) => f.name === "journald-short")!.generate(4000).text)
    expect(log.length).toBeGreaterThan(300_000)
    log[Math.floor(log.length / 2)] = 0xff
    const { c, whole } = await runInMemory(Effect.gen(function*() {
      const c = yield* compressBytes(log)
      return { c, whole: yield* (yield* Store).get(c.key!) }
    }))
    expect(c).toMatchObject({ stage: "logs", type: "log" })
    expect(c.bytesAfter).toBeLessThan(c.bytesBefore * 0.1)
    expect(Buffer.compare(Buffer.from(whole), log)).toBe(0)
  })

  it("passes through what route is unsure of, saying why, and every reason is one of the closed set", async () => {
    const paths = Array.from({ length: 300 }, (_, i) => `/home/user/project/src/module_${i}/index.ts`).join("\n")
    const c = await runInMemory(compressBytes(encode(paths)))
    expect(c).toMatchObject({ passthrough: "unsure", output: encode(paths) })
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 2000 }), fc.uint8Array({ maxLength: 2000 })), async (input) => {
        const bytes = typeof input === "string" ? encode(input) : input
        const c = await runInMemory(compressBytes(bytes), { minTokens: 0 })
        if (c.passthrough !== undefined) expect(PASS_REASONS).toContain(c.passthrough)
        expect(toBytes(c.output).length).toBeLessThanOrEqual(bytes.length)
      }),
      { numRuns: 300 }
    )
  })
})
