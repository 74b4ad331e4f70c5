/**
 * headroom_retrieve, the tool: when the proxy offers it (a client that declares tools, none of them
 * a shell or a file reader), and what it answers a model's call with, from a real in-memory store
 * holding originals put there the way the ccr-put stage puts them.
 */
import { Effect, ManagedRuntime } from "effect"
import fc from "fast-check"
import { describe, expect, it, onTestFinished } from "vitest"
import type { Provider } from "../../../providers/conversation.ts"
import { MESSAGES_KEY } from "../../../providers/providers.ts"
import * as Runtime from "../../../runtime.ts"
import { logItemsJson } from "../../../evals/generate.ts"
import { ccrPutBytes } from "../../../stages/ccr-put.ts"
import { answerCall, offersRetrieve, RETRIEVE_TOOL, type RetrieveCall } from "./tool.ts"

const PROVIDERS: ReadonlyArray<Provider> = ["anthropic", "openai-chat", "openai-responses", "gemini"]

/** A tool named `name`, declared in the format's own shape. */
const declared = (provider: Provider, name: string): unknown => {
  switch (provider) {
    case "anthropic":
      return { name, input_schema: { type: "object" } }
    case "openai-chat":
      return { type: "function", function: { name, parameters: { type: "object" } } }
    case "openai-responses":
      return { type: "function", name, parameters: { type: "object" } }
    case "gemini":
      return { functionDeclarations: [{ name }] }
  }
}

const userMessage = (provider: Provider): unknown =>
  provider === "gemini" ? { role: "user", parts: [{ text: "hi" }] } : { role: "user", content: "hi" }

/** A request of the format with these tools and one user message. */
const request = (provider: Provider, tools: ReadonlyArray<string>): Record<string, unknown> => ({
  ...(provider === "gemini" ? {} : { model: "some-model" }),
  [MESSAGES_KEY[provider]]: [userMessage(provider)],
  ...(tools.length > 0 ? { tools: tools.map((t) => declared(provider, t)) } : {})
})

describe("offersRetrieve", () => {
  it.each(PROVIDERS)("%s: offers the tool to a client whose tools are neither shells nor readers", (provider) => {
    expect(offersRetrieve(request(provider, ["get_weather"]), provider)).toBe(true)
    expect(offersRetrieve(request(provider, ["get_weather", "search_docs", "send_email"]), provider)).toBe(true)
  })

  it.each(PROVIDERS)("%s: does not offer it to a request that declares no tools", (provider) => {
    expect(offersRetrieve(request(provider, []), provider)).toBe(false)
    expect(offersRetrieve({ ...request(provider, []), tools: [] }, provider)).toBe(false)
  })

  it.each(PROVIDERS)("%s: does not offer it when one tool is a shell or a file reader of the rules", (provider) => {
    for (const tool of ["Bash", "Read", "exec_command", "read_file", "run_shell_command", "view"]) {
      expect(offersRetrieve(request(provider, ["get_weather", tool]), provider), tool).toBe(false)
    }
  })

  it("does not offer it when a tool's name says it runs commands or reads files, whatever the rules", () => {
    for (const tool of ["my_terminal", "RunBash", "execute_sql", "ReadDocument", "file_viewer", "str_replace_based_edit_tool", "text_editor_20250124"]) {
      expect(offersRetrieve(request("anthropic", ["get_weather", tool]), "anthropic"), tool).toBe(false)
    }
  })

  it("follows the user's rules: a tool the rules call a shell or a reader stops the offer", () => {
    expect(offersRetrieve(request("anthropic", ["get_weather", "lookup"]), "anthropic")).toBe(true)
    expect(offersRetrieve(request("anthropic", ["get_weather", "lookup"]), "anthropic", [{ tools: ["lookup"], kind: "shell" }])).toBe(false)
    expect(offersRetrieve(request("anthropic", ["get_weather", "lookup"]), "anthropic", [{ tools: ["lookup"], kind: "read" }])).toBe(false)
    expect(offersRetrieve(request("anthropic", ["get_weather", "lookup"]), "anthropic", [{ tools: ["lookup"], kind: "search" }])).toBe(true)
  })

  it.each(PROVIDERS)("%s: does not offer it twice: a request that already declares headroom_retrieve goes as it came", (provider) => {
    expect(offersRetrieve(request(provider, ["get_weather", RETRIEVE_TOOL]), provider)).toBe(false)
  })

  it.each(PROVIDERS)("%s: does not offer it when the conversation is not a list of message objects", (provider) => {
    const key = MESSAGES_KEY[provider]
    const tools = request(provider, ["get_weather"]).tools
    for (const conversation of [undefined, null, 42, {}, { role: "user" }, [null], ["hi"], [[userMessage(provider)]], [userMessage(provider), 7]]) {
      expect(offersRetrieve({ [key]: conversation, tools }, provider), JSON.stringify(conversation)).toBe(false)
    }
  })

  it("allows a Responses request whose input is one string, and only the Responses format", () => {
    const tools = [declared("openai-responses", "get_weather")]
    expect(offersRetrieve({ model: "gpt-5", input: "what is the weather in Oslo?", tools }, "openai-responses")).toBe(true)
    expect(offersRetrieve({ model: "gpt-5", messages: "what is the weather in Oslo?", tools: [declared("openai-chat", "get_weather")] }, "openai-chat")).toBe(false)
    expect(offersRetrieve({ model: "claude", messages: "what is the weather in Oslo?", tools: [declared("anthropic", "get_weather")] }, "anthropic")).toBe(false)
  })

  it("is false for a body that is no object", () => {
    for (const body of [null, undefined, "text", 3, true]) expect(offersRetrieve(body, "anthropic")).toBe(false)
  })

  it("property: never offered when any declared tool is a shell of the default rules", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.array(fc.stringMatching(/^[a-z_]{1,12}$/), { maxLength: 5 }),
        fc.constantFrom("Bash", "BashOutput", "shell", "local_shell", "exec_command", "write_stdin", "run_shell_command", "bash", "powershell"),
        fc.nat(),
        (provider, others, shell, at) => {
          const tools = [...others]
          tools.splice(at % (tools.length + 1), 0, shell)
          expect(offersRetrieve(request(provider, tools), provider)).toBe(false)
        }
      )
    )
  })
})

// ---------------------------------------------------------------------------------------------
// answerCall

/** A runtime with the in-memory store, disposed when the test ends. */
const memory = () => {
  const runtime = ManagedRuntime.make(Runtime.layer({}, "memory"))
  onTestFinished(() => runtime.dispose())
  return {
    /** Stores an original as ccr-put does; its hash. */
    put: (text: string) => runtime.runPromise(Effect.map(ccrPutBytes(new TextEncoder().encode(text)), (s) => s.key)),
    answer: (args: RetrieveCall["args"]) => runtime.runPromise(answerCall({ id: "call_1", args }))
  }
}

const ORIGINAL = ["alpha one", "bravo two", "charlie three", "delta four", "echo five"].map((l) => `${l}\n`).join("")

describe("answerCall", () => {
  it("answers a hash with the whole original, byte for byte", async () => {
    const store = memory()
    const hash = await store.put(ORIGINAL)
    expect(await store.answer({ hash })).toBe(ORIGINAL)
  })

  it("takes the hash as a marker writes it: `hash=` in front, any case, spaces around", async () => {
    const store = memory()
    const hash = await store.put(ORIGINAL)
    expect(await store.answer({ hash: ` hash=${hash.toUpperCase()} ` })).toBe(ORIGINAL)
  })

  it("answers `lines` with those lines of the original (1-based, inclusive), a single line too", async () => {
    const store = memory()
    const hash = await store.put(ORIGINAL)
    expect(await store.answer({ hash, lines: "2-3" })).toBe("bravo two\ncharlie three\n")
    expect(await store.answer({ hash, lines: "4" })).toBe("delta four\n")
    // A range past the end stops at the last line.
    expect(await store.answer({ hash, lines: "4-400" })).toBe("delta four\necho five\n")
  })

  it("answers a `query` over text with the matching lines, each after its line number", async () => {
    const store = memory()
    const hash = await store.put(ORIGINAL)
    expect(await store.answer({ hash, query: "charlie" })).toBe("3: charlie three")
  })

  it("answers a `query` over JSON with the matching items, each after its path", async () => {
    const store = memory()
    const hash = await store.put(logItemsJson(1000))
    const got = await store.answer({ hash, query: "req-7f3a9c2e5b1d" })
    expect(got.split("\n")).toHaveLength(1)
    expect(got).toMatch(/^\$\[420\]: \{.*"request_id":"req-7f3a9c2e5b1d"/)
  })

  it("says so when nothing matches a query", async () => {
    const store = memory()
    const hash = await store.put(ORIGINAL)
    expect(await store.answer({ hash, query: "zebra" })).toBe(`nothing in ${hash} matches "zebra"`)
  })

  it("prefers `lines` when a call gives both lines and a query", async () => {
    const store = memory()
    const hash = await store.put(ORIGINAL)
    expect(await store.answer({ hash, lines: "1-1", query: "echo" })).toBe("alpha one\n")
  })

  it("treats empty `lines` and `query` as not given", async () => {
    const store = memory()
    const hash = await store.put(ORIGINAL)
    expect(await store.answer({ hash, lines: "", query: "" })).toBe(ORIGINAL)
  })

  it("asks for a hash when the call gives none, or not as a string", async () => {
    const store = memory()
    const want = `${RETRIEVE_TOOL}: give the hash a marker names, e.g. {"hash": "9f2c1ab3e4d5"}`
    for (const args of [{}, { hash: "" }, { hash: 123 }, { hash: null }, { lines: "1-2" }]) expect(await store.answer(args)).toBe(want)
  })

  it("says a well-formed hash that is not in the store was never stored or has expired", async () => {
    const store = memory()
    expect(await store.answer({ hash: "0123456789ab" })).toBe(
      `${RETRIEVE_TOOL}: no original stored under hash 0123456789ab: it was never stored in this store, or its TTL ran out`
    )
  })

  it("says what a hash looks like when given something that is not one", async () => {
    const store = memory()
    expect(await store.answer({ hash: "not-a-hash" })).toBe(
      `${RETRIEVE_TOOL}: not a headroom hash: "not-a-hash" (expected 12 hex characters, as in hash=9f2c1ab3e4d5)`
    )
  })

  it("explains a bad range: backwards, not numbers, or past the original's end", async () => {
    const store = memory()
    const hash = await store.put(ORIGINAL)
    expect(await store.answer({ hash, lines: "3-2" })).toBe(`${RETRIEVE_TOOL}: --lines: expected A-B with 1 ≤ A ≤ B, e.g. 120-184, got "3-2"`)
    expect(await store.answer({ hash, lines: "first-last" })).toBe(`${RETRIEVE_TOOL}: --lines: expected A-B with 1 ≤ A ≤ B, e.g. 120-184, got "first-last"`)
    expect(await store.answer({ hash, lines: "0-2" })).toBe(`${RETRIEVE_TOOL}: --lines: expected A-B with 1 ≤ A ≤ B, e.g. 120-184, got "0-2"`)
    expect(await store.answer({ hash, lines: "9-12" })).toBe(`${RETRIEVE_TOOL}: --lines: expected a range within the original's 5 lines, got "9-12"`)
  })

  it("gives a huge original in parts: the first 200,000 characters, and how to read on", async () => {
    const store = memory()
    const huge = "x".repeat(99) + "\n"
    const text = huge.repeat(2_500) // 250,000 characters
    const hash = await store.put(text)
    const got = await store.answer({ hash })
    expect(got).toBe(`${text.slice(0, 200_000)}\n[… 50000 more characters: ask for lines=A-B to read on]`)
    // A range within it comes back whole.
    expect(await store.answer({ hash, lines: "2001-2500" })).toBe(huge.repeat(500))
  })

  it("property: any stored text comes back whole, and any valid range gives exactly those lines", async () => {
    const store = memory()
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[^\n]{0,20}$/), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        async (lines, a, b) => {
          const text = lines.map((l) => `${l}\n`).join("")
          const hash = await store.put(text)
          expect(await store.answer({ hash })).toBe(text)
          const from = (a % lines.length) + 1
          const to = from + (b % (lines.length - from + 1))
          expect(await store.answer({ hash, lines: `${from}-${to}` })).toBe(lines.slice(from - 1, to).map((l) => `${l}\n`).join(""))
        }
      ),
      { numRuns: 50 }
    )
  })
})

describe("offersRetrieve: tools told by the words of their names", () => {
  const anthropicWith = (name: string) => ({ model: "m", max_tokens: 1, tools: [{ name, input_schema: { type: "object" } }], messages: [{ role: "user", content: "hi" }] })
  it.each(["read_file", "readFile", "run_shell", "runShellCommand", "str_replace_editor", "file-view", "exec"])("%s reads or runs: not offered", (name) => {
    expect(offersRetrieve(anthropicWith(name), "anthropic")).toBe(false)
  })
  it.each(["spreadsheet_lookup", "preview_page", "thread_reply", "get_weather", "executive_summary"])("%s does neither: offered", (name) => {
    expect(offersRetrieve(anthropicWith(name), "anthropic")).toBe(true)
  })
})
