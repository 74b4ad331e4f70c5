/**
 * Rebuilds a line stage's input from its output, markers of both kinds replaced by what
 * `headroom ccr-get` returns for them: a marker line by its lines (its own stored original, or
 * with `lines=A-B` that range of the stored original), an in-line `chars` marker by the
 * characters it hides. Bytes throughout, so invalid UTF-8 comes back as it was.
 */
import { Effect } from "effect"
import { lineText, splitLines } from "../src/core/lines.ts"
import { parseAll } from "../src/core/marker.ts"
import { Store } from "../src/core/store.ts"
import { retrieve } from "../src/stages/ccr-get.ts"

// The marker grammar, on a latin1 view of the bytes (one char per byte; "·" is C2 B7 in UTF-8).
const CHARS_MARKER = /\[\d{1,3}(?:,\d{3})* chars? not shown \u00c2\u00b7 headroom_retrieve hash=([0-9a-f]{12})\]/g

/** A line with each in-line `chars` marker replaced by the bytes it hides. */
const expandLine = (line: Uint8Array) =>
  Effect.gen(function*() {
    const store = yield* Store
    const view = Buffer.from(line).toString("latin1")
    const parts: Array<Uint8Array> = []
    let at = 0
    for (const m of view.matchAll(CHARS_MARKER)) {
      parts.push(line.subarray(at, m.index))
      parts.push(yield* store.get(m[1]!))
      at = m.index + m[0].length
    }
    if (at === 0) return line
    parts.push(line.subarray(at))
    return Buffer.concat(parts)
  })

export const rebuild = (output: Uint8Array) =>
  Effect.gen(function*() {
    const store = yield* Store
    const parts: Array<Uint8Array> = []
    for (const line of splitLines(output)) {
      const bare = lineText(line).trim()
      const [marker] = /^\[[^\]]*\]$/.test(bare) ? parseAll(bare) : []
      if (!marker || marker.unit === "chars") {
        parts.push(yield* expandLine(line))
        continue
      }
      const lines = marker.selector?.lines
      parts.push(lines ? (yield* retrieve(marker.key, { lines })).output! : yield* store.get(marker.key))
    }
    return Buffer.concat(parts)
  })
