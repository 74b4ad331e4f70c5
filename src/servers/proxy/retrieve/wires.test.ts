/**
 * The retrieval loop's wire formats (WIRES): headroom_retrieve added to a request in each format's
 * own tool shape, the model's calls to it found in a whole answer, the exchange continued with the
 * calls' results, answers merged for a client that does not stream, and streams spliced so the
 * client sees one well-formed answer that never mentions the tool. Upstream answers are the
 * scripted provider's (test/upstream.ts), the same bytes the SDK tests accept.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type Provider, type Reply, sse, textReply, toolCallReply } from "../../../../test/upstream.ts"
import { SseReader } from "../sse.ts"
import { WIRES } from "./loop.ts"
import { RETRIEVE_DESCRIPTION, RETRIEVE_PARAMETERS, RETRIEVE_TOOL } from "./tool.ts"
import type { Result, RetrieveWire } from "./wire.ts"

const PROVIDERS: ReadonlyArray<Provider> = ["anthropic", "openai-chat", "openai-responses", "gemini"]

const WEATHER_PARAMETERS = { type: "object", properties: { city: { type: "string" } }, required: ["city"] }

/** A realistic request of each format: a system prompt, settings, one tool of the client's, messages. */
const REQUESTS: Record<Provider, Record<string, any>> = {
  anthropic: {
    model: "claude-sonnet-4-6",
    max_tokens: 1024,
    system: "Be brief.",
    temperature: 0.2,
    metadata: { user_id: "u-1" },
    tools: [{ name: "get_weather", description: "The weather in a city.", input_schema: WEATHER_PARAMETERS }],
    messages: [{ role: "user", content: "What does the log say?" }]
  },
  "openai-chat": {
    model: "gpt-4o",
    temperature: 0.2,
    tool_choice: "auto",
    stream_options: { include_usage: true },
    tools: [{ type: "function", function: { name: "get_weather", description: "The weather in a city.", parameters: WEATHER_PARAMETERS } }],
    messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "What does the log say?" }]
  },
  "openai-responses": {
    model: "gpt-5",
    instructions: "Be brief.",
    reasoning: { effort: "low" },
    store: false,
    tools: [{ type: "function", name: "get_weather", description: "The weather in a city.", parameters: WEATHER_PARAMETERS }],
    input: [{ role: "user", content: "What does the log say?" }]
  },
  gemini: {
    systemInstruction: { parts: [{ text: "Be brief." }] },
    generationConfig: { temperature: 0.2 },
    tools: [{ functionDeclarations: [{ name: "get_weather", description: "The weather in a city.", parameters: WEATHER_PARAMETERS }] }],
    contents: [{ role: "user", parts: [{ text: "What does the log say?" }] }]
  }
}

/** Where each format keeps its conversation. */
const CONVERSATION: Record<Provider, string> = { anthropic: "messages", "openai-chat": "messages", "openai-responses": "input", gemini: "contents" }

/** headroom_retrieve as each format declares a tool. */
const DEFINITION: Record<Provider, unknown> = {
  anthropic: { name: RETRIEVE_TOOL, description: RETRIEVE_DESCRIPTION, input_schema: RETRIEVE_PARAMETERS },
  "openai-chat": { type: "function", function: { name: RETRIEVE_TOOL, description: RETRIEVE_DESCRIPTION, parameters: RETRIEVE_PARAMETERS } },
  "openai-responses": { type: "function", name: RETRIEVE_TOOL, description: RETRIEVE_DESCRIPTION, parameters: RETRIEVE_PARAMETERS, strict: false },
  gemini: { name: RETRIEVE_TOOL, description: RETRIEVE_DESCRIPTION, parameters: RETRIEVE_PARAMETERS }
}

/** Freezes a value and everything in it: a wire that writes to its input throws. */
const deepFrozen = <A>(value: A): A => {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFrozen(v)
    Object.freeze(value)
  }
  return value
}

const clone = <A>(value: A): A => structuredClone(value)

const bodyOf = (reply: Reply): Buffer => Buffer.concat(reply.chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)))
const wholeOf = (reply: Reply): any => JSON.parse(bodyOf(reply).toString("utf8"))

const HASH = "9f2c1ab3e4d5"
const retrieveCall = (args: Record<string, unknown> = { hash: HASH, lines: "1-3" }) => ({ id: "call_r1", name: RETRIEVE_TOOL, args })
const weatherCall = { id: "call_w1", name: "get_weather", args: { city: "Oslo" } }

// ---------------------------------------------------------------------------------------------
// withTool

describe("withTool", () => {
  it("WIRES has one wire per provider", () => {
    expect(Object.keys(WIRES).sort()).toEqual([...PROVIDERS].sort())
  })

  it.each(PROVIDERS)("%s: adds the tool in the format's own shape, after the client's tools", (provider) => {
    const out = WIRES[provider].withTool(REQUESTS[provider])
    if (provider === "gemini") {
      expect(out.tools).toEqual([{ functionDeclarations: [...REQUESTS.gemini.tools[0].functionDeclarations, DEFINITION.gemini] }])
    } else {
      expect(out.tools).toEqual([...REQUESTS[provider].tools, DEFINITION[provider]])
    }
  })

  it.each(PROVIDERS)("%s: keeps every other field as it was, and never writes to its input", (provider) => {
    const input = deepFrozen(clone(REQUESTS[provider]))
    const out = WIRES[provider].withTool(input)
    const { tools: _before, ...rest } = REQUESTS[provider]
    const { tools: _after, ...kept } = out
    expect(kept).toEqual(rest)
    expect(input).toEqual(REQUESTS[provider])
  })

  it.each(PROVIDERS)("%s: gives a request without tools a tool list of its own", (provider) => {
    const { tools: _, ...bare } = REQUESTS[provider]
    const out = WIRES[provider].withTool(bare)
    expect(out.tools).toEqual(provider === "gemini" ? [{ functionDeclarations: [DEFINITION.gemini] }] : [DEFINITION[provider]])
    expect(bare).not.toHaveProperty("tools")
  })

  it("gemini: joins the first tool that declares functions and leaves built-in tools alone", () => {
    const search = { googleSearch: {} }
    const functions = { functionDeclarations: [{ name: "get_weather" }] }
    expect(WIRES.gemini.withTool({ contents: [], tools: [search, functions] }).tools).toEqual([
      search,
      { functionDeclarations: [{ name: "get_weather" }, DEFINITION.gemini] }
    ])
    // Built-in tools only: the declaration comes as a tool of its own.
    expect(WIRES.gemini.withTool({ contents: [], tools: [search] }).tools).toEqual([search, { functionDeclarations: [DEFINITION.gemini] }])
  })

  it("property: any request keeps its other fields and its own tools, in order, before the new one", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/).filter((k) => k !== "tools" && k !== "__proto__"), fc.jsonValue(), { maxKeys: 6 }),
        (provider, extra) => {
          const input = deepFrozen({ ...clone(REQUESTS[provider]), ...extra })
          const out = WIRES[provider].withTool(input)
          const { tools: _, ...rest } = input
          const { tools: tools, ...kept } = out
          expect(kept).toEqual(rest)
          if (provider === "gemini") {
            expect(tools[0].functionDeclarations.slice(0, -1)).toEqual(REQUESTS.gemini.tools[0].functionDeclarations)
          } else {
            expect(tools.slice(0, -1)).toEqual(REQUESTS[provider].tools)
          }
        }
      )
    )
  })
})

// ---------------------------------------------------------------------------------------------
// callsIn

/** A whole answer of the format with some text and several tool calls, as the providers send them. */
const answerWith = (provider: Provider, text: string, calls: ReadonlyArray<{ id: string; name: string; args: Record<string, unknown> }>): any => {
  switch (provider) {
    case "anthropic":
      return {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [{ type: "text", text }, ...calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.args }))],
        stop_reason: "tool_use"
      }
    case "openai-chat":
      return {
        id: "chatcmpl-1",
        object: "chat.completion",
        choices: [{
          index: 0,
          message: { role: "assistant", content: text, tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args) } })) },
          finish_reason: "tool_calls"
        }]
      }
    case "openai-responses":
      return {
        id: "resp_1",
        object: "response",
        output: [
          { id: "msg_1", type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] },
          ...calls.map((c, i) => ({ id: `fc_${i}`, type: "function_call", status: "completed", call_id: c.id, name: c.name, arguments: JSON.stringify(c.args) }))
        ]
      }
    case "gemini":
      return {
        candidates: [{ content: { role: "model", parts: [{ text }, ...calls.map((c) => ({ functionCall: { id: c.id, name: c.name, args: c.args } }))] }, finishReason: "STOP" }]
      }
  }
}

describe("callsIn", () => {
  it.each(PROVIDERS)("%s: finds the model's call in a whole answer, its arguments parsed", (provider) => {
    const answer = wholeOf(toolCallReply(provider, retrieveCall(), { stream: false, textBefore: "Let me read the top. " }))
    expect(WIRES[provider].callsIn(answer)).toEqual([{ id: "call_r1", args: { hash: HASH, lines: "1-3" } }])
  })

  it.each(PROVIDERS)("%s: ignores another tool's call, and finds nothing in a text answer", (provider) => {
    expect(WIRES[provider].callsIn(wholeOf(toolCallReply(provider, weatherCall, { stream: false, textBefore: "Checking." })))).toEqual([])
    expect(WIRES[provider].callsIn(wholeOf(textReply(provider, "All good.", { stream: false })))).toEqual([])
  })

  it.each(PROVIDERS)("%s: finds every call among other tools' calls, in order", (provider) => {
    const answer = answerWith(provider, "Reading.", [
      { id: "a", name: RETRIEVE_TOOL, args: { hash: HASH } },
      weatherCall,
      { id: "b", name: RETRIEVE_TOOL, args: { hash: "0123456789ab", query: "timeout" } }
    ])
    expect(WIRES[provider].callsIn(answer)).toEqual([
      { id: "a", args: { hash: HASH } },
      { id: "b", args: { hash: "0123456789ab", query: "timeout" } }
    ])
  })

  it("openai: arguments that are not JSON (a stream cut short) count as none", () => {
    const chat = answerWith("openai-chat", "", [])
    chat.choices[0].message.tool_calls = [{ id: "x", type: "function", function: { name: RETRIEVE_TOOL, arguments: "{\"hash\": \"9f2c" } }]
    expect(WIRES["openai-chat"].callsIn(chat)).toEqual([{ id: "x", args: {} }])
    const responses = answerWith("openai-responses", "", [])
    responses.output.push({ type: "function_call", call_id: "y", name: RETRIEVE_TOOL, arguments: "" })
    expect(WIRES["openai-responses"].callsIn(responses)).toEqual([{ id: "y", args: {} }])
  })

  it("gemini: a call without an id gets one from its place among the calls", () => {
    const answer = { candidates: [{ content: { role: "model", parts: [{ functionCall: { name: RETRIEVE_TOOL, args: { hash: HASH } } }, { functionCall: { name: RETRIEVE_TOOL, args: { hash: "0123456789ab" } } }] } }] }
    expect(WIRES.gemini.callsIn(answer)).toEqual([
      { id: `${RETRIEVE_TOOL}-0`, args: { hash: HASH } },
      { id: `${RETRIEVE_TOOL}-1`, args: { hash: "0123456789ab" } }
    ])
  })

  it.each(PROVIDERS)("%s: finds nothing in what is not an answer", (provider) => {
    for (const junk of [null, undefined, 42, "text", [], {}, { error: { message: "overloaded" } }]) expect(WIRES[provider].callsIn(junk)).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// continued

const RESULT_TEXT = "alpha one\nbravo two\ncharlie three\n"
const resultsFor = (wire: RetrieveWire, answer: unknown): Array<Result> => wire.callsIn(answer).map((call) => ({ call, text: RESULT_TEXT }))

/** What each format appends: the assistant's turn with its call, then the call's answer. */
const APPENDED: Record<Provider, ReadonlyArray<unknown>> = {
  anthropic: [
    { role: "assistant", content: [{ type: "text", text: "Let me read the top. " }, { type: "tool_use", id: "call_r1", name: RETRIEVE_TOOL, input: { hash: HASH, lines: "1-3" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "call_r1", content: RESULT_TEXT }] }
  ],
  "openai-chat": [
    {
      role: "assistant",
      content: "Let me read the top. ",
      tool_calls: [{ id: "call_r1", type: "function", function: { name: RETRIEVE_TOOL, arguments: JSON.stringify({ hash: HASH, lines: "1-3" }) } }]
    },
    { role: "tool", tool_call_id: "call_r1", content: RESULT_TEXT }
  ],
  "openai-responses": [
    { id: "msg_scripted_0001", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Let me read the top. ", annotations: [], logprobs: [] }] },
    { id: "fc_scripted_0001", type: "function_call", status: "completed", arguments: JSON.stringify({ hash: HASH, lines: "1-3" }), call_id: "call_r1", name: RETRIEVE_TOOL },
    { type: "function_call_output", call_id: "call_r1", output: RESULT_TEXT }
  ],
  gemini: [
    { role: "model", parts: [{ text: "Let me read the top. " }, { functionCall: { id: "call_r1", name: RETRIEVE_TOOL, args: { hash: HASH, lines: "1-3" } } }] },
    { role: "user", parts: [{ functionResponse: { name: RETRIEVE_TOOL, id: "call_r1", response: { output: RESULT_TEXT } } }] }
  ]
}

describe("continued", () => {
  it.each(PROVIDERS)("%s: appends the assistant's call and the tool's answer in the format's shape", (provider) => {
    const wire = WIRES[provider]
    const body = wire.withTool(REQUESTS[provider])
    const answer = wholeOf(toolCallReply(provider, retrieveCall(), { stream: false, textBefore: "Let me read the top. " }))
    const next = wire.continued(deepFrozen(clone(body)), deepFrozen(answer), resultsFor(wire, answer))
    const key = CONVERSATION[provider]
    expect(next[key]).toEqual([...body[key], ...APPENDED[provider]])
    const { [key]: _a, ...rest } = body
    const { [key]: _b, ...kept } = next
    expect(kept).toEqual(rest)
  })

  it.each(PROVIDERS)("%s: leaves out other tools' calls, which the proxy cannot answer", (provider) => {
    const wire = WIRES[provider]
    const answer = answerWith(provider, "Reading.", [{ id: "a", name: RETRIEVE_TOOL, args: { hash: HASH } }, weatherCall])
    const next = wire.continued(REQUESTS[provider], answer, resultsFor(wire, answer))
    const added = JSON.stringify(next[CONVERSATION[provider]].slice(REQUESTS[provider][CONVERSATION[provider]].length))
    expect(added).not.toContain("get_weather")
    expect(added).toContain(RETRIEVE_TOOL)
  })

  it.each(PROVIDERS)("%s: one answer per call, in the calls' order", (provider) => {
    const wire = WIRES[provider]
    const answer = answerWith(provider, "Reading.", [{ id: "a", name: RETRIEVE_TOOL, args: { hash: HASH } }, { id: "b", name: RETRIEVE_TOOL, args: { hash: "0123456789ab" } }])
    const results = wire.callsIn(answer).map((call) => ({ call, text: `text of ${call.id}` }))
    const added = JSON.stringify(wire.continued(REQUESTS[provider], answer, results)[CONVERSATION[provider]])
    expect(added.indexOf("text of a")).toBeGreaterThan(-1)
    expect(added.indexOf("text of b")).toBeGreaterThan(added.indexOf("text of a"))
  })

  it("anthropic: keeps thinking (the API wants it back with a tool call) and drops empty text", () => {
    const answer = {
      content: [
        { type: "thinking", thinking: "The log is long.", signature: "sig" },
        { type: "text", text: "" },
        { type: "tool_use", id: "a", name: RETRIEVE_TOOL, input: { hash: HASH } }
      ]
    }
    const next = WIRES.anthropic.continued({ messages: [] }, answer, [{ call: { id: "a", args: { hash: HASH } }, text: "x" }])
    expect(next.messages[0]).toEqual({ role: "assistant", content: [answer.content[0], answer.content[2]] })
  })

  it("openai-chat: an assistant turn with no text says content null", () => {
    const answer = wholeOf(toolCallReply("openai-chat", retrieveCall(), { stream: false }))
    const next = WIRES["openai-chat"].continued({ messages: [] }, answer, resultsFor(WIRES["openai-chat"], answer))
    expect(next.messages[0].content).toBeNull()
  })

  it("openai-responses: a request whose input is one string continues from it as a user message", () => {
    const answer = wholeOf(toolCallReply("openai-responses", retrieveCall(), { stream: false }))
    const next = WIRES["openai-responses"].continued({ model: "gpt-5", input: "What does the log say?" }, answer, resultsFor(WIRES["openai-responses"], answer))
    expect(next.input[0]).toEqual({ role: "user", content: "What does the log say?" })
    expect(next.input.at(-1)).toEqual({ type: "function_call_output", call_id: "call_r1", output: RESULT_TEXT })
  })

  it("gemini: thoughtSignature goes back with its call; an id the proxy made up does not", () => {
    const answer = { candidates: [{ content: { role: "model", parts: [{ functionCall: { name: RETRIEVE_TOOL, args: { hash: HASH } }, thoughtSignature: "c2ln" }] } }] }
    const next = WIRES.gemini.continued({ contents: [] }, answer, resultsFor(WIRES.gemini, answer))
    expect(next.contents).toEqual([
      { role: "model", parts: [{ functionCall: { name: RETRIEVE_TOOL, args: { hash: HASH } }, thoughtSignature: "c2ln" }] },
      { role: "user", parts: [{ functionResponse: { name: RETRIEVE_TOOL, response: { output: RESULT_TEXT } } }] }
    ])
  })

  it("property: the continued request starts with the original request's messages, unchanged", () => {
    const message = fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/).filter((k) => k !== "__proto__"), fc.jsonValue(), { maxKeys: 4 })
    fc.assert(
      fc.property(fc.constantFrom(...PROVIDERS), fc.array(message, { maxLength: 8 }), fc.string(), (provider, messages, text) => {
        const wire = WIRES[provider]
        const key = CONVERSATION[provider]
        const body = deepFrozen({ ...clone(REQUESTS[provider]), [key]: messages })
        const answer = deepFrozen(wholeOf(toolCallReply(provider, retrieveCall(), { stream: false, textBefore: "Reading. " })))
        const results = wire.callsIn(answer).map((call) => ({ call, text }))
        const next = wire.continued(body, answer, results)
        expect(next[key].slice(0, messages.length)).toEqual(messages)
        expect(next[key].length).toBeGreaterThan(messages.length)
        expect(JSON.stringify(next[key].slice(messages.length))).toContain(JSON.stringify(text))
      })
    )
  })
})

// ---------------------------------------------------------------------------------------------
// merged

describe("merged", () => {
  const earlierOf = (provider: Provider) => wholeOf(toolCallReply(provider, retrieveCall(), { stream: false, textBefore: "Let me read the top. " }))
  const finalOf = (provider: Provider) => wholeOf(textReply(provider, "The log says the disk is full.", { stream: false }))

  it("anthropic: the earlier answer's text comes first in the final answer's content; the final's other fields stay", () => {
    const final = finalOf("anthropic")
    const out = WIRES.anthropic.merged(earlierOf("anthropic"), final) as any
    expect(out.content).toEqual([{ type: "text", text: "Let me read the top. " }, { type: "text", text: "The log says the disk is full." }])
    const { content: _a, ...rest } = final
    const { content: _b, ...kept } = out
    expect(kept).toEqual(rest)
    expect(JSON.stringify(out)).not.toContain(RETRIEVE_TOOL)
  })

  it("anthropic: thinking comes along, tool calls do not", () => {
    const earlier = { content: [{ type: "thinking", thinking: "hmm", signature: "s" }, { type: "tool_use", id: "a", name: RETRIEVE_TOOL, input: {} }] }
    const out = WIRES.anthropic.merged(earlier, { content: [{ type: "text", text: "done" }] }) as any
    expect(out.content).toEqual([{ type: "thinking", thinking: "hmm", signature: "s" }, { type: "text", text: "done" }])
  })

  it("openai-chat: the earlier text is put before the final message's text", () => {
    const final = finalOf("openai-chat")
    const out = WIRES["openai-chat"].merged(earlierOf("openai-chat"), final) as any
    expect(out.choices[0].message.content).toBe("Let me read the top. The log says the disk is full.")
    expect({ ...out, choices: [] }).toEqual({ ...final, choices: [] })
    expect(out.choices[0].finish_reason).toBe("stop")
  })

  it("openai-responses: the earlier message items come before the final output", () => {
    const earlier = earlierOf("openai-responses")
    const final = finalOf("openai-responses")
    const out = WIRES["openai-responses"].merged(earlier, final) as any
    expect(out.output).toEqual([earlier.output[0], ...final.output])
    expect(out.id).toBe(final.id)
    expect(out.usage).toEqual(final.usage)
  })

  it("gemini: the earlier text parts come before the final answer's parts", () => {
    const final = finalOf("gemini")
    const out = WIRES.gemini.merged(earlierOf("gemini"), final) as any
    expect(out.candidates[0].content.parts).toEqual([{ text: "Let me read the top. " }, { text: "The log says the disk is full." }])
    expect(out.candidates[0].finishReason).toBe("STOP")
    expect(out.usageMetadata).toEqual(final.usageMetadata)
  })

  it.each(PROVIDERS)("%s: an earlier answer that said nothing leaves the final answer as it is", (provider) => {
    const earlier = wholeOf(toolCallReply(provider, retrieveCall(), { stream: false }))
    const final = finalOf(provider)
    expect(WIRES[provider].merged(earlier, final)).toEqual(final)
  })

  it.each(PROVIDERS)("%s: merging again (a third round) keeps the text in order", (provider) => {
    const wire = WIRES[provider]
    const first = answerWith(provider, "One. ", [{ id: "a", name: RETRIEVE_TOOL, args: { hash: HASH } }])
    const second = answerWith(provider, "Two. ", [{ id: "b", name: RETRIEVE_TOOL, args: { hash: HASH } }])
    const out = wire.merged(wire.merged(first, second), finalOf(provider))
    const text = JSON.stringify(out)
    expect(text.indexOf("One. ")).toBeGreaterThan(-1)
    expect(text.indexOf("Two. ")).toBeGreaterThan(text.indexOf("One. "))
    expect(text.indexOf("The log says")).toBeGreaterThan(text.indexOf("Two. "))
  })
})

// ---------------------------------------------------------------------------------------------
// The stream splicer

/** Relays streams through a splicer as the loop does: a continuation after each but the last, release at the end. */
const relay = (provider: Provider, replies: ReadonlyArray<Reply>) => {
  const wire = WIRES[provider]
  const splicer = wire.splicer()
  const out: Array<string> = []
  const answers: Array<unknown> = []
  replies.forEach((reply, i) => {
    if (i > 0) splicer.continueWith()
    const reader = new SseReader()
    for (const chunk of reply.chunks) out.push(...reader.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk).flatMap((e) => splicer.event(e)))
    out.push(...reader.end().flatMap((e) => splicer.event(e)))
    answers.push(splicer.answer())
  })
  const beforeRelease = out.join("")
  out.push(...splicer.release())
  return { text: out.join(""), beforeRelease, answers }
}

interface Event {
  readonly event: string | undefined
  readonly data: any
}

/** The client's stream read back: every event complete, every payload JSON (or OpenAI's [DONE]). */
const wellFormed = (text: string): Array<Event> => {
  const reader = new SseReader()
  const events = reader.push(Buffer.from(text))
  expect(reader.end()).toEqual([])
  expect(events.map((e) => e.raw).join("")).toBe(text)
  return events.map((e) => {
    expect(e.raw).toMatch(/(\r?\n){2}$/)
    if (e.data === "[DONE]") return { event: e.event, data: "[DONE]" }
    const data = JSON.parse(e.data)
    expect(typeof data).toBe("object")
    return { event: e.event, data }
  })
}

const count = <A>(xs: ReadonlyArray<A>, p: (x: A) => boolean) => xs.filter(p).length

/** What each format's stream must be for its SDK: one start, one end at the end, parts numbered without gaps. */
const SHAPE: Record<Provider, (events: ReadonlyArray<Event>) => void> = {
  anthropic: (events) => {
    for (const e of events) expect(e.event).toBe(e.data.type)
    expect(events[0]!.data.type).toBe("message_start")
    expect(count(events, (e) => e.data.type === "message_start")).toBe(1)
    expect(events.at(-1)!.data.type).toBe("message_stop")
    expect(events.at(-2)!.data.type).toBe("message_delta")
    expect(count(events, (e) => e.data.type === "message_stop" || e.data.type === "message_delta")).toBe(2)
    const open = new Set<number>()
    let next = 0
    for (const { data } of events) {
      if (data.type === "content_block_start") {
        expect(data.index).toBe(next++)
        open.add(data.index)
      } else if (data.type === "content_block_delta") expect(open.has(data.index)).toBe(true)
      else if (data.type === "content_block_stop") {
        expect(open.has(data.index)).toBe(true)
        open.delete(data.index)
      }
    }
    expect(open.size).toBe(0)
  },
  "openai-chat": (events) => {
    expect(events.at(-1)!.data).toBe("[DONE]")
    const chunks = events.slice(0, -1).map((e) => e.data)
    expect(chunks.every((c) => c !== "[DONE]")).toBe(true)
    expect(new Set(chunks.map((c) => `${c.id} ${c.created}`)).size).toBe(1)
    expect(count(chunks, (c) => c.choices?.[0]?.finish_reason != null)).toBe(1)
    const finish = chunks.findIndex((c) => c.choices?.[0]?.finish_reason != null)
    // After the finish chunk, at most the usage chunk.
    expect(chunks.slice(finish + 1).every((c) => Array.isArray(c.choices) && c.choices.length === 0)).toBe(true)
    const indexes = chunks.flatMap((c) => (c.choices?.[0]?.delta?.tool_calls ?? []).map((t: any) => t.index))
    expect([...new Set(indexes)]).toEqual([...new Set(indexes)].map((_, i) => i))
  },
  "openai-responses": (events) => {
    for (const e of events) expect(e.event).toBe(e.data.type)
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i))
    expect(events[0]!.data.type).toBe("response.created")
    expect(count(events, (e) => e.data.type === "response.created")).toBe(1)
    expect(count(events, (e) => e.data.type === "response.in_progress")).toBe(1)
    expect(events.at(-1)!.data.type).toBe("response.completed")
    expect(count(events, (e) => e.data.type === "response.completed")).toBe(1)
    const added = events.filter((e) => e.data.type === "response.output_item.added").map((e) => e.data.output_index)
    expect(added).toEqual(added.map((_, i) => i))
    for (const e of events) if (typeof e.data.output_index === "number") expect(e.data.output_index).toBeLessThan(added.length)
    const completed = events.at(-1)!.data.response
    expect(completed.id).toBe(events[0]!.data.response.id)
    expect(completed.output).toEqual(events.filter((e) => e.data.type === "response.output_item.done").map((e) => e.data.item))
  },
  gemini: (events) => {
    for (const e of events) expect(Array.isArray(e.data.candidates)).toBe(true)
    expect(count(events, (e) => e.data.candidates[0].finishReason !== undefined)).toBe(1)
    expect(events.at(-1)!.data.candidates[0].finishReason).toBe("STOP")
  }
}

/** The text the client's stream says, in order. */
const TEXT: Record<Provider, (events: ReadonlyArray<Event>) => string> = {
  anthropic: (events) => events.map((e) => (e.data.delta?.type === "text_delta" ? e.data.delta.text : "")).join(""),
  "openai-chat": (events) => events.map((e) => (e.data === "[DONE]" ? "" : e.data.choices?.[0]?.delta?.content ?? "")).join(""),
  "openai-responses": (events) => events.map((e) => (e.data.type === "response.output_text.delta" ? e.data.delta : "")).join(""),
  gemini: (events) => events.flatMap((e) => e.data.candidates[0].content?.parts ?? []).map((p: any) => p.text ?? "").join("")
}

const stream = { stream: true } as const
const words = fc.array(fc.stringMatching(/^[A-Za-z0-9.,!?']{1,8}$/), { minLength: 1, maxLength: 6 }).map((ws) => `${ws.join(" ")} `)

describe("splicer", () => {
  it("property: a stream that does not call the tool reaches the client byte for byte", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROVIDERS), words, fc.boolean(), fc.boolean(), (provider, text, otherTool, includeUsage) => {
        const reply = otherTool
          ? toolCallReply(provider, weatherCall, { ...stream, textBefore: text, includeUsage })
          : textReply(provider, text, { ...stream, includeUsage })
        const { text: out, answers } = relay(provider, [reply])
        expect(out).toBe(bodyOf(reply).toString("utf8"))
        expect(WIRES[provider].callsIn(answers[0])).toEqual([])
      })
    )
  })

  it.each(PROVIDERS)("%s: text before a hidden call reaches the client at once; the answer's end waits for release", (provider) => {
    const splicer = WIRES[provider].splicer()
    const reader = new SseReader()
    const reply = toolCallReply(provider, retrieveCall(), { ...stream, textBefore: "Let me read the top. " })
    const shown: Array<string> = []
    // What the client had read when the upstream began the call: all the text.
    let readBeforeCall: string | undefined
    for (const chunk of reply.chunks) {
      if (readBeforeCall === undefined && String(chunk).includes(RETRIEVE_TOOL)) readBeforeCall = TEXT[provider](wellFormed(shown.join("")))
      shown.push(...reader.push(Buffer.from(chunk as string)).flatMap((e) => splicer.event(e)))
    }
    expect(readBeforeCall).toBe("Let me read the top. ")
    const so = shown.join("")
    expect(so).not.toContain(RETRIEVE_TOOL)
    expect(so).not.toContain("9f2c1ab3e4d5")
    // The end of the answer is not sent: a continuation may follow.
    const ends = { anthropic: "message_stop", "openai-chat": "[DONE]", "openai-responses": "response.completed", gemini: "finishReason" }[provider]
    expect(so).not.toContain(ends)
    // The whole answer has the call, for the loop to answer.
    expect(WIRES[provider].callsIn(splicer.answer())).toEqual([{ id: "call_r1", args: { hash: HASH, lines: "1-3" } }])
    expect(splicer.release().join("")).toContain(ends)
    expect(splicer.release()).toEqual([])
  })

  it.each(PROVIDERS)("%s: a call and its continuation reach the client as one well-formed answer without the tool", (provider) => {
    const { text, answers } = relay(provider, [
      toolCallReply(provider, retrieveCall(), { ...stream, textBefore: "Let me read the top. " }),
      textReply(provider, "The log says the disk is full.", stream)
    ])
    expect(text).not.toContain(RETRIEVE_TOOL)
    const events = wellFormed(text)
    SHAPE[provider](events)
    expect(TEXT[provider](events)).toBe("Let me read the top. The log says the disk is full.")
    expect(WIRES[provider].callsIn(answers[0])).toHaveLength(1)
    expect(WIRES[provider].callsIn(answers[1])).toEqual([])
  })

  it("property: any number of rounds, with or without text before each call, gives one well-formed answer", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.array(fc.option(words, { nil: undefined }), { minLength: 0, maxLength: 3 }),
        words,
        (provider, befores, last) => {
          const replies = [
            ...befores.map((textBefore, i) =>
              toolCallReply(provider, retrieveCall({ hash: HASH, lines: `${i + 1}-${i + 9}` }), { ...stream, ...(textBefore === undefined ? {} : { textBefore }) })
            ),
            textReply(provider, last, stream)
          ]
          const { text, beforeRelease } = relay(provider, replies)
          expect(text).not.toContain(RETRIEVE_TOOL)
          const events = wellFormed(text)
          SHAPE[provider](events)
          expect(TEXT[provider](events)).toBe([...befores.filter((b) => b !== undefined), last].join(""))
          // Until release, the client has no end of the answer.
          expect(beforeRelease.length).toBeLessThan(text.length)
        }
      ),
      { numRuns: 60 }
    )
  })

  it("anthropic: another tool's call after a hidden one is renumbered from 0, and both are in the answer", () => {
    const e = (type: string, data: object) => sse(type, { type, ...data })
    const chunks = [
      e("message_start", { message: { id: "msg_1", type: "message", role: "assistant", content: [], model: "claude-sonnet-4-6", stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } } }),
      e("content_block_start", { index: 0, content_block: { type: "tool_use", id: "r", name: RETRIEVE_TOOL, input: {} } }),
      e("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: "{\"hash\":\"9f2c" } }),
      e("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: "1ab3e4d5\"}" } }),
      e("content_block_stop", { index: 0 }),
      e("content_block_start", { index: 1, content_block: { type: "tool_use", id: "w", name: "get_weather", input: {} } }),
      e("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: "{\"city\":\"Oslo\"}" } }),
      e("content_block_stop", { index: 1 }),
      e("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } }),
      e("message_stop", {})
    ]
    const splicer = WIRES.anthropic.splicer()
    const reader = new SseReader()
    const shown = chunks.flatMap((c) => reader.push(Buffer.from(c))).flatMap((ev) => splicer.event(ev))
    const events = wellFormed([...shown, ...splicer.release()].join(""))
    SHAPE.anthropic(events)
    expect(events.filter((ev) => ev.data.index !== undefined).map((ev) => [ev.data.type, ev.data.index])).toEqual([
      ["content_block_start", 0],
      ["content_block_delta", 0],
      ["content_block_stop", 0]
    ])
    expect(events[1]!.data.content_block.name).toBe("get_weather")
    expect((splicer.answer() as any).content).toEqual([
      { type: "tool_use", id: "r", name: RETRIEVE_TOOL, input: { hash: HASH } },
      { type: "tool_use", id: "w", name: "get_weather", input: { city: "Oslo" } }
    ])
  })

  it("openai-chat: another tool's call after a hidden one, even in the same chunk, is renumbered from 0", () => {
    const chunk = (delta: object, finish: string | null = null) =>
      sse(undefined, { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: finish }] })
    const chunks = [
      chunk({ role: "assistant", content: null }),
      chunk({
        tool_calls: [
          { index: 0, id: "r", type: "function", function: { name: RETRIEVE_TOOL, arguments: "" } },
          { index: 1, id: "w", type: "function", function: { name: "get_weather", arguments: "" } }
        ]
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"hash\":\"9f2c1ab3e4d5\"}" } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: "{\"city\":\"Oslo\"}" } }] }),
      chunk({}, "tool_calls"),
      sse(undefined, "[DONE]")
    ]
    const splicer = WIRES["openai-chat"].splicer()
    const reader = new SseReader()
    const shown = chunks.flatMap((c) => reader.push(Buffer.from(c))).flatMap((ev) => splicer.event(ev))
    const events = wellFormed([...shown, ...splicer.release()].join(""))
    SHAPE["openai-chat"](events)
    const calls = events.flatMap((ev) => (ev.data === "[DONE]" ? [] : ev.data.choices[0].delta.tool_calls ?? []))
    expect(calls).toEqual([
      { index: 0, id: "w", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 0, function: { arguments: "{\"city\":\"Oslo\"}" } }
    ])
    // The chunk that only carried the hidden call's arguments is not sent.
    expect(events).toHaveLength(5)
    expect(WIRES["openai-chat"].callsIn(splicer.answer())).toEqual([{ id: "r", args: { hash: HASH } }])
  })

  it("openai-chat: a continuation's chunks carry the first stream's id and created", () => {
    const first = toolCallReply("openai-chat", retrieveCall(), { ...stream, textBefore: "Reading. " })
    const second = textReply("openai-chat", "Done.", stream)
    const renamed: Reply = { ...second, chunks: second.chunks.map((c) => String(c).replaceAll("chatcmpl-scripted-0001", "chatcmpl-other").replaceAll(":1700000000,", ":1700000099,")) }
    expect(String(renamed.chunks[0])).toContain("chatcmpl-other")
    const events = wellFormed(relay("openai-chat", [first, renamed]).text)
    SHAPE["openai-chat"](events)
    expect(events[0]!.data.id).toBe("chatcmpl-scripted-0001")
  })

  it("openai-responses: another tool's call after a hidden one gets output index 0; numbers run on without gaps", () => {
    let seq = 0
    const e = (type: string, data: object) => sse(type, { type, sequence_number: seq++, ...data })
    const call = (id: string, name: string, args: string, status: string) => ({ id: `fc_${id}`, type: "function_call", status, arguments: args, call_id: id, name })
    const response = (status: string, output: Array<object>) => ({ id: "resp_1", object: "response", status, output })
    const done = [call("r", RETRIEVE_TOOL, "{\"hash\":\"9f2c1ab3e4d5\"}", "completed"), call("w", "get_weather", "{\"city\":\"Oslo\"}", "completed")]
    const chunks = [
      e("response.created", { response: response("in_progress", []) }),
      e("response.in_progress", { response: response("in_progress", []) }),
      e("response.output_item.added", { output_index: 0, item: call("r", RETRIEVE_TOOL, "", "in_progress") }),
      e("response.function_call_arguments.delta", { item_id: "fc_r", output_index: 0, delta: "{\"hash\":\"9f2c1ab3e4d5\"}" }),
      e("response.output_item.done", { output_index: 0, item: done[0] }),
      e("response.output_item.added", { output_index: 1, item: call("w", "get_weather", "", "in_progress") }),
      e("response.function_call_arguments.delta", { item_id: "fc_w", output_index: 1, delta: "{\"city\":\"Oslo\"}" }),
      e("response.output_item.done", { output_index: 1, item: done[1] }),
      e("response.completed", { response: response("completed", done) })
    ]
    const splicer = WIRES["openai-responses"].splicer()
    const reader = new SseReader()
    const shown = chunks.flatMap((c) => reader.push(Buffer.from(c))).flatMap((ev) => splicer.event(ev))
    const events = wellFormed([...shown, ...splicer.release()].join(""))
    expect(events.map((ev) => [ev.data.type, ev.data.output_index])).toEqual([
      ["response.created", undefined],
      ["response.in_progress", undefined],
      ["response.output_item.added", 0],
      ["response.function_call_arguments.delta", 0],
      ["response.output_item.done", 0],
      ["response.completed", undefined]
    ])
    expect(events.map((ev) => ev.data.sequence_number)).toEqual([0, 1, 2, 3, 4, 5])
    expect(WIRES["openai-responses"].callsIn(splicer.answer())).toEqual([{ id: "r", args: { hash: HASH } }])
  })

  it("openai-responses: after a continuation, response.completed carries the first response's id and every item the client saw", () => {
    const first = toolCallReply("openai-responses", retrieveCall(), { ...stream, textBefore: "Reading. " })
    const second = textReply("openai-responses", "Done.", stream)
    const renamed: Reply = { ...second, chunks: second.chunks.map((c) => String(c).replaceAll("resp_scripted_0001", "resp_second")) }
    const events = wellFormed(relay("openai-responses", [first, renamed]).text)
    SHAPE["openai-responses"](events)
    const completed = events.at(-1)!.data.response
    expect(completed.id).toBe("resp_scripted_0001")
    expect(completed.output.map((i: any) => i.content[0].text)).toEqual(["Reading. ", "Done."])
  })

  it("gemini: a chunk left with nothing once the hidden call is taken out is not sent, unless it ends the answer", () => {
    const chunk = (parts: Array<object>, finish?: string) =>
      sse(undefined, { candidates: [{ content: { role: "model", parts }, ...(finish ? { finishReason: finish } : {}), index: 0 }] }, "\r\n")
    const chunks = [
      chunk([{ text: "Reading. " }]),
      chunk([{ functionCall: { name: RETRIEVE_TOOL, args: { hash: HASH } } }]),
      chunk([{ functionCall: { name: "get_weather", args: { city: "Oslo" } } }], "STOP")
    ]
    const splicer = WIRES.gemini.splicer()
    const reader = new SseReader()
    const shown = chunks.flatMap((c) => reader.push(Buffer.from(c))).flatMap((ev) => splicer.event(ev))
    expect(shown).toEqual([chunks[0]])
    expect(splicer.release()).toEqual([chunks[2]])
    expect(WIRES.gemini.callsIn(splicer.answer())).toEqual([{ id: `${RETRIEVE_TOOL}-0`, args: { hash: HASH } }])
  })
})
