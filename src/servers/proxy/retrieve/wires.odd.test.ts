/** The wires on odd input: a tool declared twice, arguments that are no object, answers of any shape. */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Provider } from "../../../providers/conversation.ts"
import { WIRES } from "./loop.ts"
import { argsOf } from "./wire.ts"

const PROVIDERS: ReadonlyArray<Provider> = ["anthropic", "openai-chat", "openai-responses", "gemini"]

const REQUESTS: Record<Provider, Record<string, any>> = {
  anthropic: { model: "claude-sonnet-4-6", max_tokens: 64, tools: [{ name: "get_weather", input_schema: { type: "object" } }], messages: [{ role: "user", content: "hi" }] },
  "openai-chat": { model: "gpt-4o", tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }], messages: [{ role: "user", content: "hi" }] },
  "openai-responses": { model: "gpt-5", tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }], input: [{ role: "user", content: "hi" }] },
  gemini: { tools: [{ functionDeclarations: [{ name: "get_weather" }] }], contents: [{ role: "user", parts: [{ text: "hi" }] }] }
}

describe("wires on odd input", () => {
  it.each(PROVIDERS)("%s: withTool is idempotent: adding the tool twice declares it once", (provider) => {
    const once = WIRES[provider].withTool(REQUESTS[provider])
    expect(WIRES[provider].withTool(once)).toEqual(once)
  })

  it("argsOf: arguments that parse to a JSON array count as none ({}), as its doc says", () => {
    expect(argsOf("[1,2]")).toEqual({})
  })

  it("property: callsIn never throws on an answer whose fields are any JSON (a malformed 200 is no upstream failure)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROVIDERS), fc.jsonValue(), (provider, v) => {
        expect(() => WIRES[provider].callsIn({ content: v, choices: v, output: v, candidates: v })).not.toThrow()
      })
    )
  })
})
