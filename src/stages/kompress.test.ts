import { Effect, Exit } from "effect"
import fc from "fast-check"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { transcriptProse } from "../evals/suites/prose.ts"
import { buildModel, DROPPED } from "../../fixtures/kompress-model/build.ts"
import { prose } from "../evals/generate.ts"
import { unfaithful } from "../../test/faithful.ts"
import { CORPUS, removeHome, runInMemory, tempHome } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import { parseAll } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { kompressBytes } from "./kompress.ts"
import { factsOf } from "./kompress/statistical.ts"

const tokens = (s: string) => Tokenizer.make("gpt-4o").count(s).tokens
const encode = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | string) => typeof b === "string" ? b : new TextDecoder().decode(b)
const homes: Array<string> = []
afterAll(() => homes.forEach(removeHome))

/** The numbers, identifiers and URLs of the input missing from the output. */
const kept = (input: string, output: string) => {
  const out = new Set(factsOf(output))
  return factsOf(input).filter((f) => !out.has(f))
}

describe("kompress, statistical", () => {
  it("keeps every number, identifier and URL of generated prose", async () => {
    const input = prose(60)
    const out = text(toBytes((await runInMemory(kompressBytes(encode(input)))).output))
    expect(kept(input, out)).toEqual([])
    // Measured 37.2%: only words whose loss cannot change what a sentence says are dropped
    // (negations, quantifiers, conditions, modals and all facts stay), and each run of shortened
    // lines pays for its marker.
    expect(1 - tokens(out) / tokens(input)).toBeGreaterThanOrEqual(0.35)
  })

  it("keeps every number, identifier and URL of the prose in real transcripts", async () => {
    const input = transcriptProse(CORPUS)
    expect(input.length).toBeGreaterThan(5000)
    const out = text(toBytes((await runInMemory(kompressBytes(encode(input)))).output))
    expect(kept(input, out)).toEqual([])
  })

  it("keeps line breaks, headings, lists, code and negations; drops only words, and marks every shortened run", async () => {
    const input = [
      "# Deploying the service",
      "",
      "- The job is not going to run if the `DEPLOY_TOKEN` is missing from the environment of the runner.",
      "- It will never retry more than 3 times, and each of those retries waits for a minute.",
      "",
      "```sh",
      "deploy --force --region eu-west-1",
      "```",
      "",
      "    indented lines are code in Markdown, and they are kept exactly as they are written here",
      "const retries = config.retries ?? 3; // a line of code in the middle of the prose stays too",
      "",
      "This is a very long sentence that is here just to make the input big enough for the compressor to do its work."
    ].join("\n").repeat(8)
    const { out, problems } = await runInMemory(Effect.gen(function*() {
      const out = text(toBytes((yield* kompressBytes(encode(input))).output))
      return { out, problems: yield* unfaithful(input, out) }
    }))
    // Every line is the input's or a shortening of it, each shortened run marked with what it returns.
    expect(problems).toEqual([])
    expect(out).toMatch(/\[\d+ words not shown; shortened above · headroom_retrieve hash=[0-9a-f]{12} lines=\d+-\d+\]/)
    for (const line of ["# Deploying the service", "deploy --force --region eu-west-1", "    indented lines are code in Markdown, and they are kept exactly as they are written here", "const retries = config.retries ?? 3; // a line of code in the middle of the prose stays too"]) {
      expect(out.split("\n")).toContain(line)
    }
    expect(out).toContain("not")
    expect(out).toContain("never")
    expect(out).toContain("`DEPLOY_TOKEN`")
  })

  it("drops words that are filler only where they stand, and keeps them elsewhere", async () => {
    const sentences = [
      "Please note that the value of retry_count is much larger than the file src/a.ts says.",
      "How much does the job cost, and how much time is left for the function to finish?",
      "Make sure that the request will not be sent twice.",
      "The constructor then calls toString and valueOf on the prototype."
    ]
    const out = text(toBytes((await runInMemory(kompressBytes(encode((sentences.join("\n") + "\n").repeat(6))), { minTokens: 0 })).output))
    const first = out.split("\n").slice(0, 4)
    expect(first[0]).toBe("retry_count larger than src/a.ts says.")
    expect(first[1]).toContain("How much")
    expect(first[1]).toContain("how much time")
    expect(first[1]).toContain("function") // not next to an identifier: the word says what is meant
    expect(first[2]).toBe("request not sent twice.")
    expect(out.split("\n")[3]).toBe("constructor calls toString valueOf prototype.") // words that are also names of Object's properties
  })

  it("keeps the words a sentence turns on: conditions, needs, predicates, quantities", async () => {
    const line = "The service is not available when the disk is full, and there is not enough memory for what is needed here."
    const out = text(toBytes((await runInMemory(kompressBytes(encode(`${line}\n`.repeat(8))), { minTokens: 0 })).output))
    expect(out.split("\n")[0]).toBe("service not available when disk full not enough memory needed.")
  })

  it("stores the original, and its markers count every word it left out", async () => {
    const input = encode(prose(20))
    const { result, back } = await runInMemory(Effect.gen(function*() {
      const result = yield* kompressBytes(input)
      return { result, back: yield* (yield* Store).get(result.key!) }
    }))
    expect(Buffer.compare(Buffer.from(back), Buffer.from(input))).toBe(0)
    const markers = parseAll(text(toBytes(result.output)))
    expect(markers.length).toBeGreaterThan(0)
    for (const m of markers) expect(m).toMatchObject({ unit: "words", key: result.key, detail: "shortened above" })
    expect(markers.reduce((sum, m) => sum + m.count, 0)).toBe(result.dropped.words)
  })
})

describe("kompress with a model", () => {
  it("runs the project's own tiny ONNX token classifier end to end", async () => {
    const dir = join(tempHome(), "tiny-kompress")
    homes.push(join(dir, ".."))
    buildModel(dir)
    const input = "The server is really not reachable: the request to port 8080 failed.\n".repeat(40)
    const result = await runInMemory(kompressBytes(encode(input)), { kompressModel: dir })
    const out = text(toBytes(result.output))
    const first = out.split("\n")[0]!
    for (const w of first.toLowerCase().split(/\W+/).filter(Boolean)) expect(DROPPED, w).not.toContain(w)
    expect(first).toBe("server not reachable: request port 8080 failed.")
    expect(out).toContain("by the model")
  })

  it("says clearly when the model cannot be loaded", async () => {
    const exit = await runInMemory(Effect.exit(kompressBytes(encode(prose(10)))), { kompressModel: "/nonexistent/model" })
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("ModelUnavailable")
    const empty = tempHome()
    homes.push(empty)
    const error = await runInMemory(Effect.flip(kompressBytes(encode(prose(10)))), { kompressModel: empty })
    expect(error.message).toBe(`cannot load the kompress model at ${empty}: the directory lacks config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx`)
  })
})

describe("kompress properties", () => {
  it("on any text: never fails, never longer, the original back from the store", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: "binary", maxLength: 3000 }), fc.lorem({ maxCount: 400 })), async (s) => {
        const input = encode(s)
        const { c, back } = await runInMemory(Effect.gen(function*() {
          const c = yield* kompressBytes(input)
          const back = c.key ? yield* (yield* Store).get(c.key) : toBytes(c.output)
          return { c, back }
        }), { minTokens: 0 })
        expect(toBytes(c.output).length).toBeLessThanOrEqual(input.length)
        expect(Buffer.compare(Buffer.from(back), Buffer.from(input))).toBe(0)
      }),
      { numRuns: 300 }
    )
  })
})
