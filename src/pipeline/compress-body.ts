/**
 * A request body as the proxy receives it — bytes — made smaller, at the cost of its new part only.
 *
 * An agent's request is the previous one plus a few messages: the same bytes up to some message,
 * new messages, then the same tail (system prompt, tools). So a body is parsed from where a
 * remembered one it extends differs: its messages up to there are the remembered ones (the same
 * bytes parse to the same values), only the new messages are parsed, and the tail's values are
 * reused. The compressed body is the client's own bytes with each changed tool result's string
 * written in its place (every other byte as it came: numbers such as `1.0` too), not the whole body
 * serialised again; where those strings sit is found by scanning the bytes (json-bytes.ts), and
 * for the messages a remembered body shared, remembered.
 *
 * Cache-safe as `compressRequest` is: the replacements are its own, and a byte range is reused
 * only within bytes known to be identical. Anything unexpected (a range that does not hold the
 * text the pipeline read, a middle that is not a run of messages) falls back to parsing and
 * serialising whole.
 *
 * @since 0.4.0
 */
import { Effect } from "effect"
import type { Config } from "../core/config.ts"
import { arrayAt, elementStarts, memberOf, rangeOf, skipValue } from "../core/json-bytes.ts"
import type { Store } from "../core/store.ts"
import { type Path, type Provider, valueAt } from "../providers/conversation.ts"
import { MESSAGES_KEY } from "../providers/providers.ts"
import { type Compressed, compressRequest, type RequestOptions } from "./compress-request.ts"
import { Lru } from "./memo.ts"

/** Where a body's messages sit in its bytes, and the ranges of strings written over in each message. */
interface Layout {
  readonly key: string
  readonly starts: ReadonlyArray<number>
  /** The offset of the messages array's closing bracket. */
  readonly close: number
  /** The offset just after the last message (the closing bracket's when there is none). */
  readonly end: number
  /** Per message, by path, the byte range of each string a replacement was written over, and what was written (as JSON). */
  readonly ranges: Array<Map<string, Placed> | undefined>
}

interface Placed {
  readonly range: readonly [number, number]
  readonly text: string
  readonly json: Buffer
}

/** A body remembered: its bytes, its parsed value and its layout. */
interface Remembered extends Layout {
  readonly raw: Buffer
  readonly json: Record<string, any>
}

/** A body read: its value, and where its messages are when they could be found. */
export interface Parsed {
  readonly bytes: Buffer
  readonly json: unknown
  readonly layout?: Layout | undefined
}

/** A body compressed: `bytes` to send (undefined when nothing was made smaller), the compressed value, the stats. */
export interface CompressedBody extends Compressed<unknown> {
  readonly bytes: Buffer | undefined
}

/** How many bodies are remembered, and their bytes at most (a parsed body weighs ~3× its bytes). */
const REMEMBERED = 8
const REMEMBERED_BYTES = 48 * 1024 * 1024

const JSON_SPACE = /^[ \t\r\n]*/

const pathKey = (path: Path) => path.slice(2).join("\u0000")

export class Bodies {
  private readonly remembered = new Lru<Remembered>(REMEMBERED, REMEMBERED_BYTES)
  private next = 0

  /** The body parsed (throws when it is not JSON), from where a remembered body it extends leaves off when there is one. */
  parse(bytes: Buffer, provider: Provider): Parsed {
    const key = MESSAGES_KEY[provider]
    const extended = this.extending(bytes)
    if (extended !== undefined) {
      const parsed = continued(bytes, extended.from, extended.k)
      if (parsed !== undefined) return parsed
    }
    const json: unknown = JSON.parse(bytes.toString("utf8"))
    if (json === null || typeof json !== "object" || Array.isArray(json) || !Array.isArray((json as Record<string, unknown>)[key])) return { bytes, json }
    const array = arrayAt(bytes, memberOf(bytes, 0, key))
    if (array === undefined || array.starts.length !== (json as Record<string, Array<unknown>>)[key]!.length) return { bytes, json }
    return { bytes, json, layout: { key, starts: array.starts, close: array.close, end: endOf(bytes, array.starts, array.close), ranges: [] } }
  }

  /** `compressRequest` on a parsed body; the result as bytes, written into the client's own. */
  compress(parsed: Parsed, options: RequestOptions): Effect.Effect<CompressedBody, never, Store | Config> {
    return Effect.map(compressRequest(parsed.json, { ...options, immutableInput: true }), (result) => {
      const { layout } = parsed
      let bytes: Buffer | undefined
      if (result.stats.compressed > 0) {
        bytes = layout && spliced(parsed.bytes, parsed.json, layout, result)
        bytes ??= Buffer.from(JSON.stringify(result.body))
      }
      if (layout) this.remember({ ...layout, raw: parsed.bytes, json: parsed.json as Record<string, any> })
      return { ...result, bytes }
    })
  }

  private remember(body: Remembered) {
    this.remembered.set(String(this.next++), body, body.raw.length * 3)
  }

  /**
   * The remembered body this one shares the most messages with (and the tail after them), and
   * how many. Newest first: the body a request extends is nearly always the last one.
   */
  private extending(bytes: Buffer): { readonly from: Remembered; readonly k: number } | undefined {
    let best: { from: Remembered; k: number; at: number } | undefined
    for (const from of [...this.remembered.values()].map(([, body]) => body).reverse()) {
      // Up to a message's start, or after the last one (spaces before the bracket may change).
      const boundary = (k: number) => (k < from.starts.length ? from.starts[k]! : from.end)
      const n = from.starts.length
      if (best !== undefined && boundary(n) <= best.at) continue
      const tail = from.raw.length - from.close
      const end = bytes.length - tail
      if (end < 0 || from.raw.compare(bytes, end, bytes.length, from.close, from.raw.length) !== 0) continue
      const same = (k: number) => boundary(k) <= end && from.raw.compare(bytes, 0, boundary(k), 0, boundary(k)) === 0
      // The most messages whose bytes are the same (the same up to a message's start: the same
      // before it), searched above what the best so far shares; all of them is the common case.
      let lo = best === undefined ? 0 : from.starts.findIndex((start) => start > best!.at)
      if (lo < 0) lo = n
      if (!same(lo)) continue
      let hi = n
      if (same(hi)) lo = hi
      else hi = n - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (same(mid)) lo = mid
        else hi = mid - 1
      }
      if (best === undefined || boundary(lo) > best.at) best = { from, k: lo, at: boundary(lo) }
    }
    return best
  }
}

/** A body parsed from where `from` differs: its first `k` messages and its tail are `from`'s; undefined when the rest is not a run of messages. */
const continued = (bytes: Buffer, from: Remembered, k: number): Parsed | undefined => {
  const at = k < from.starts.length ? from.starts[k]! : from.end
  const end = bytes.length - (from.raw.length - from.close)
  let text = bytes.toString("utf8", at, end)
  let offset = at
  if (k === from.starts.length && k > 0) {
    // After the last message it shares: nothing, or a comma and more messages.
    const space = JSON_SPACE.exec(text)![0].length
    if (space === text.length) text = ""
    else if (text[space] !== ",") return undefined
    else {
      // Spaces and the comma are one byte each.
      text = text.slice(space + 1)
      offset = at + space + 1
    }
  }
  let added: Array<unknown>
  try {
    added = JSON.parse(`[${text}]`) as Array<unknown>
  } catch {
    return undefined
  }
  const starts = text === "" ? [] : elementStarts(bytes, offset, end)
  if (starts === undefined || starts.length !== added.length) return undefined
  const key = from.key
  const json = { ...from.json, [key]: [...(from.json[key] as Array<unknown>).slice(0, k), ...added] }
  const all = [...from.starts.slice(0, k), ...starts]
  return { bytes, json, layout: { key, starts: all, close: end, end: endOf(bytes, all, end), ranges: from.ranges.slice(0, k) } }
}

/** Where the last of the messages ends. */
const endOf = (bytes: Buffer, starts: ReadonlyArray<number>, close: number): number =>
  starts.length === 0 ? close : skipValue(bytes, starts[starts.length - 1]!)

/**
 * The body's bytes with each replacement's text written over the string it replaces; undefined
 * when one cannot be placed with certainty. Records each range in the layout for the next body.
 */
const spliced = (bytes: Buffer, json: unknown, layout: Layout, result: Compressed<unknown>): Buffer | undefined => {
  const placed: Array<Placed> = []
  for (const replacement of result.replacements) {
    // Blocks put in place of one (an image and its note) change the structure: serialised whole.
    if (!("text" in replacement)) return undefined
    const { path, text } = replacement
    const message = path[1]
    if (path[0] !== layout.key || typeof message !== "number" || message >= layout.starts.length) return undefined
    const id = pathKey(path)
    const known = layout.ranges[message]?.get(id)
    let range = known?.range
    if (range === undefined) {
      range = rangeOf(bytes, layout.starts[message]!, path.slice(2))
      // A range found now must hold the very string the pipeline read there.
      if (range === undefined || JSON.parse(bytes.toString("utf8", range[0], range[1])) !== valueAt(json, path)) return undefined
    }
    const place = known?.text === text ? known : { range, text, json: Buffer.from(JSON.stringify(text)) }
    ;(layout.ranges[message] ??= new Map()).set(id, place)
    placed.push(place)
  }
  placed.sort((a, b) => a.range[0] - b.range[0])
  const pieces: Array<Buffer> = []
  let at = 0
  for (const { range, json: written } of placed) {
    if (range[0] < at) return undefined
    pieces.push(bytes.subarray(at, range[0]), written)
    at = range[1]
  }
  pieces.push(bytes.subarray(at))
  return Buffer.concat(pieces)
}
