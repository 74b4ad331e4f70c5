/**
 * SseReader: events come out whole and the same however the bytes were cut, with their raw text
 * (which concatenates back to the stream), their `event:` name and their `data:` payload.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { cutAt } from "../../../test/helpers.ts"
import { formatEvent, type SseEvent, SseReader } from "./sse.ts"

const bytes = (s: string) => new TextEncoder().encode(s)

/** Reads a stream given as chunks; the events of each push, then end()'s. */
const readAll = (chunks: ReadonlyArray<Uint8Array>): Array<SseEvent> => {
  const reader = new SseReader()
  return [...chunks.flatMap((c) => reader.push(c)), ...reader.end()]
}


describe("SseReader", () => {
  it("reads LF-separated events with and without event names", () => {
    const text = "event: message_start\ndata: {\"a\":1}\n\ndata: {\"b\":2}\n\n"
    expect(readAll([bytes(text)])).toEqual([
      { raw: "event: message_start\ndata: {\"a\":1}\n\n", event: "message_start", data: "{\"a\":1}" },
      { raw: "data: {\"b\":2}\n\n", event: undefined, data: "{\"b\":2}" }
    ])
  })

  it("reads CRLF-separated events (Gemini's) and keeps the CRLFs in raw", () => {
    const text = "data: {\"x\":1}\r\n\r\ndata: {\"x\":2}\r\n\r\n"
    const events = readAll([bytes(text)])
    expect(events.map((e) => e.data)).toEqual(["{\"x\":1}", "{\"x\":2}"])
    expect(events.map((e) => e.raw)).toEqual(["data: {\"x\":1}\r\n\r\n", "data: {\"x\":2}\r\n\r\n"])
  })

  it("joins multi-line data with LF, strips one space after the colon, ignores comments and other fields", () => {
    const text = ": keep-alive\nevent:  ping \nid: 7\nretry: 1000\ndata:first\ndata:  second\ndata:\ndata: third\n\n"
    const [e] = readAll([bytes(text)])
    expect(e).toEqual({ raw: text, event: "ping", data: "first\n second\n\nthird" })
  })

  it("gives an event completed in the middle of a chunk at once, and keeps the rest for later", () => {
    const reader = new SseReader()
    expect(reader.push(bytes("data: 1\n\ndata: 2"))).toEqual([{ raw: "data: 1\n\n", event: undefined, data: "1" }])
    expect(reader.push(bytes("\n"))).toEqual([])
    expect(reader.push(bytes("\n"))).toEqual([{ raw: "data: 2\n\n", event: undefined, data: "2" }])
    expect(reader.end()).toEqual([])
  })

  it("gives a trailing event without its blank line at end(), and nothing more after", () => {
    const reader = new SseReader()
    expect(reader.push(bytes("data: [DONE]\n\ndata: {\"last\":true}\n"))).toHaveLength(1)
    expect(reader.end()).toEqual([{ raw: "data: {\"last\":true}\n", event: undefined, data: "{\"last\":true}" }])
    expect(reader.end()).toEqual([])
  })

  it("end() on a stream that ended cleanly gives nothing", () => {
    const reader = new SseReader()
    reader.push(bytes("data: x\n\n"))
    expect(reader.end()).toEqual([])
  })

  it("decodes multi-byte UTF-8 split across chunks", () => {
    const text = "data: {\"t\":\"héllo — 日本語 🎉\"}\n\n"
    const all = bytes(text)
    // Every cut inside the emoji (4 bytes), the CJK (3 bytes each), the dash and é.
    for (let i = 1; i < all.length; i++) {
      const events = readAll([all.subarray(0, i), all.subarray(i)])
      expect(events).toEqual([{ raw: text, event: undefined, data: "{\"t\":\"héllo — 日本語 🎉\"}" }])
    }
    // One byte at a time.
    expect(readAll([...all].map((b) => new Uint8Array([b])))).toEqual(readAll([all]))
  })

  it("cuts a CRLF separator split between chunks in the right place", () => {
    const text = "data: a\r\n\r\ndata: b\r\n\r\n"
    const all = bytes(text)
    for (let i = 0; i <= all.length; i++) {
      expect(readAll([all.subarray(0, i), all.subarray(i)]).map((e) => e.raw)).toEqual(["data: a\r\n\r\n", "data: b\r\n\r\n"])
    }
  })

  // A stream of events as a server writes them: each field on its own line, LF or CRLF, some
  // with extra blank lines before them; the last may lack its blank line.
  const field = fc.string({ unit: fc.constantFrom("a", "b", " ", ":", "{", "}", "\"", "é", "日", "🎉", "[", "]", ",", "\t"), maxLength: 12 })
  const eventArb = fc.record({
    name: fc.option(fc.stringMatching(/^[a-z_.]{1,16}$/), { nil: undefined }),
    data: fc.array(field, { minLength: 1, maxLength: 3 }),
    comment: fc.boolean(),
    eol: fc.constantFrom("\n", "\r\n"),
    blankBefore: fc.boolean()
  })
  type Ev = { name: string | undefined; data: Array<string>; comment: boolean; eol: string; blankBefore: boolean }
  const textOf = (e: Ev, last: boolean, ended: boolean) =>
    (e.blankBefore ? e.eol : "") +
    (e.comment ? `: keep-alive${e.eol}` : "") +
    (e.name === undefined ? "" : `event: ${e.name}${e.eol}`) +
    e.data.map((d) => `data: ${d}${e.eol}`).join("") +
    (last && !ended ? "" : e.eol)
  const streamArb = fc.record({ events: fc.array(eventArb, { minLength: 1, maxLength: 8 }), ended: fc.boolean() })

  it("property: any chunking gives the same events, whose raw texts concatenate back to the input", () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 12 }), ({ events, ended }, at) => {
        const text = events.map((e, i) => textOf(e, i === events.length - 1, ended)).join("")
        const all = bytes(text)
        const whole = readAll([all])
        const chunked = readAll(cutAt(all, at))
        expect(chunked).toEqual(whole)
        expect(whole.map((e) => e.raw).join("")).toBe(text)
        expect(whole).toHaveLength(events.length)
        whole.forEach((got, i) => {
          expect(got.event).toBe(events[i]!.name)
          expect(got.data).toBe(events[i]!.data.join("\n"))
        })
      }),
      { numRuns: 500 }
    )
  })

  it("property: one byte at a time gives the same events as the whole stream", () => {
    fc.assert(
      fc.property(streamArb, ({ events, ended }) => {
        const all = bytes(events.map((e, i) => textOf(e, i === events.length - 1, ended)).join(""))
        expect(readAll([...all].map((b) => new Uint8Array([b])))).toEqual(readAll([all]))
      }),
      { numRuns: 200 }
    )
  })
})

describe("formatEvent", () => {
  it("writes event and data lines and the blank line, and reads back the same", () => {
    expect(formatEvent("message_delta", "{\"x\":1}")).toBe("event: message_delta\ndata: {\"x\":1}\n\n")
    expect(formatEvent(undefined, "[DONE]")).toBe("data: [DONE]\n\n")
    const [e] = readAll([bytes(formatEvent("response.completed", "{\"type\":\"response.completed\"}"))])
    expect(e).toMatchObject({ event: "response.completed", data: "{\"type\":\"response.completed\"}" })
  })
})
