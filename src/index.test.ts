import { describe, expect, it } from "vitest"
import { logItemsJson } from "./evals/generate.ts"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { CORPUS } from "../test/helpers.ts"
import { compress, compressRequest, compressText, crushJson, detectType, InvalidJson, retrieveOriginal, storeOriginal, useStore } from "./index.ts"

useStore("memory")

describe("the Promise library", () => {
  it("crushes, and the original comes back", async () => {
    const json = logItemsJson(500)
    const result = await crushJson(json, { query: "card_declined" })
    expect(typeof result.output).toBe("string")
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore / 5)
    expect(String(result.output)).toContain("card_declined")
    const back = await retrieveOriginal(result.key!)
    expect(new TextDecoder().decode(back.output)).toBe(json)
  })

  it("rejects invalid JSON with a typed error, and detects types", async () => {
    await expect(crushJson("{oops")).rejects.toBeInstanceOf(InvalidJson)
    expect(detectType("[1, 2, 3]")).toBe("json")
    expect((await compressText("just some words")).passthrough).toBeDefined()
  })

  it("stores anything and returns its marker", async () => {
    const stored = await storeOriginal("hello\nworld\n", { ttl: "1h" })
    expect(String(stored.output)).toBe(`[2 lines not shown · headroom_retrieve hash=${stored.key}]\n`)
    await expect(storeOriginal("x", { ttl: "soon" })).rejects.toThrow(/ttl: expected a duration/)
  })
})

describe("compress(messages) and compressRequest(body)", () => {
  const source = readFileSync(join(CORPUS, "code/javascript/express/response.js"), "utf8")
  const numbered = source.split("\n").map((line, i) => `${String(i + 1).padStart(6)}→${line}`).join("\n")
  const messages = [
    { role: "user", content: "How does express send a file?" },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "/src/express/response.js" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: numbered }] }
  ]

  it("makes an agent's messages smaller, keeps the input, and the original comes back", async () => {
    const before = JSON.stringify(messages)
    const { messages: out, stats } = await compress(messages, { model: "claude-sonnet-4-5" })
    expect(JSON.stringify(messages)).toBe(before)
    expect(stats.provider).toBe("anthropic")
    expect(stats.tokensAfter).toBeLessThan(stats.tokensBefore / 2)
    expect(stats.stages.code?.blocks).toBe(1)
    const text = (out[2]!.content as Array<{ content: string }>)[0]!.content
    expect(text).toMatch(/Read offset=\d+ limit=\d+/)
    const back = await retrieveOriginal(stats.keys[0]!)
    expect(new TextDecoder().decode(back.output)).toBe(numbered)
    // The same messages again: the same result (the next turn's prefix is unchanged).
    expect(JSON.stringify((await compress(messages)).messages)).toBe(JSON.stringify(out))
  })

  it("does a whole OpenAI request, told by its shape", async () => {
    const catN = source.split("\n").map((line, i) => `${String(i + 1).padStart(6)}\t${line}`).join("\n")
    const body = {
      model: "gpt-5",
      messages: [
        { role: "user", content: "Why does the build fail?" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "bash", arguments: JSON.stringify({ command: `cat -n /src/express/response.js` }) } }] },
        { role: "tool", tool_call_id: "c1", content: catN }
      ],
      tools: [{ type: "function", function: { name: "bash" } }]
    }
    const { body: out, stats } = await compressRequest(body)
    expect(stats.provider).toBe("openai-chat")
    expect(out.tools).toBe(body.tools)
    expect(String(out.messages[2]!.content).length).toBeLessThan(catN.length / 2)
    expect(out.messages[2]!.content).toMatch(/sed -n '\d+,\d+p' \/src\/express\/response\.js/)
  })
})
