/**
 * A real session replayed turn by turn through `compressRequest`, against the same session sent as
 * it was. Per session: input tokens with and without; cost with cache pricing (what a request
 * shares with the one before is read at 0.1×, the rest written at 1.25×); edits made blind (an
 * edit whose old text the model could not see in the compressed request — each priced as one
 * more round trip: the whole request again at 0.1×, and the hidden lines read back at 1.25×);
 * turns whose compressed request is not a prefix of the next; time per turn.
 *
 * Tokens: o200k_base over each message's texts (the transcripts hold no system prompt or tool
 * list, which are the same on every turn).
 */
import { Effect } from "effect"
import type { Config } from "../core/config.ts"
import type { Store } from "../core/store.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { compressRequest } from "../pipeline/compress-request.ts"
import { Memo } from "../pipeline/memo.ts"
import { MESSAGES_KEY } from "../providers/providers.ts"
import type { Session } from "./sessions.ts"

/** Cache pricing, as multiples of the base input price. */
export const CACHE_READ = 0.1
export const CACHE_WRITE = 1.25

export interface TurnFigures {
  readonly tokensBefore: number
  readonly tokensAfter: number
  readonly costBefore: number
  readonly costAfter: number
  readonly ms: number
}

export interface SessionFigures {
  readonly agent: string
  readonly file: string
  readonly turns: number
  readonly tokensBefore: number
  readonly tokensAfter: number
  readonly costBefore: number
  /** With the blind-edit penalties. */
  readonly costAfter: number
  readonly edits: number
  /** Edits whose old text is not visible in the compressed request but is in the original. */
  readonly blindEdits: number
  /** Edits whose old text is not visible even in the original request (the model had it from elsewhere). */
  readonly blindWithout: number
  readonly unstableTurns: number
  readonly p50ms: number
  readonly p95ms: number
  readonly perTurn: ReadonlyArray<TurnFigures>
}

const counter = Tokenizer.make("gpt-4o")
const tokenCache = new Map<string, number>()

/** Every string in a value, in order (texts, tool arguments, results), for counting and searching. */
const strings = (value: unknown, out: Array<string> = []): Array<string> => {
  if (typeof value === "string") out.push(value)
  else if (Array.isArray(value)) for (const v of value) strings(v, out)
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "signature" && k !== "id" && k !== "call_id" && k !== "tool_use_id") strings(v, out)
  }
  return out
}

const tokensOf = (json: string, message: unknown): number => {
  let n = tokenCache.get(json)
  if (n === undefined) {
    n = strings(message).reduce((sum, s) => sum + counter.count(s).tokens, 0)
    tokenCache.set(json, n)
  }
  return n
}

interface Priced {
  readonly jsons: ReadonlyArray<string>
  readonly tokens: ReadonlyArray<number>
  readonly total: number
}

const priced = (messages: ReadonlyArray<unknown>): Priced => {
  const jsons = messages.map((m) => JSON.stringify(m))
  const tokens = messages.map((m, i) => tokensOf(jsons[i]!, m))
  return { jsons, tokens, total: tokens.reduce((a, b) => a + b, 0) }
}

/** How many leading messages two requests share. */
const sharedPrefix = (a: Priced, b: Priced): number => {
  let i = 0
  while (i < a.jsons.length && i < b.jsons.length && a.jsons[i] === b.jsons[i]) i++
  return i
}

/** The cost of a request after the previous one: its shared prefix read from cache, the rest written. */
const costOf = (request: Priced, previous: Priced | undefined): number => {
  const shared = previous ? sharedPrefix(previous, request) : 0
  const cached = request.tokens.slice(0, shared).reduce((a, b) => a + b, 0)
  return CACHE_READ * cached + CACHE_WRITE * (request.total - cached)
}

/** What the model can see of a request: its texts, numbered lines without their numbers. */
const visibleText = (messages: ReadonlyArray<unknown>): string =>
  strings(messages).map((s) => s.replace(/^ *\d+(?:\t|→)/gm, "")).join("\n")

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

export const replay = (session: Session): Effect.Effect<SessionFigures, never, Store | Config> =>
  Effect.gen(function*() {
    const memo = new Memo()
    const key = MESSAGES_KEY[session.provider]
    const perTurn: Array<TurnFigures> = []
    const times: Array<number> = []
    let previousBefore: Priced | undefined
    let previousAfter: Priced | undefined
    let costAfter = 0
    let edits = 0
    let blindEdits = 0
    let blindWithout = 0
    let unstableTurns = 0
    for (const [n, turn] of session.turns.entries()) {
      const t0 = performance.now()
      const { body } = yield* compressRequest(turn.body, { provider: session.provider, memo })
      const ms = performance.now() - t0
      if (n > 0) times.push(ms)
      const original = (turn.body[key] ?? []) as ReadonlyArray<unknown>
      const compressed = ((body as Record<string, unknown>)[key] ?? []) as ReadonlyArray<unknown>
      const before = priced(original)
      const after = priced(compressed)
      // Stable: when the original request extends the one before, so does the compressed one.
      if (previousBefore && previousAfter && sharedPrefix(previousBefore, before) === previousBefore.jsons.length) {
        if (sharedPrefix(previousAfter, after) !== previousAfter.jsons.length) unstableTurns++
      }
      const costBefore = costOf(before, previousBefore)
      let cost = costOf(after, previousAfter)
      if (turn.edits.length > 0) {
        const seenBefore = visibleText(original)
        const seenAfter = visibleText(compressed)
        for (const edit of turn.edits) {
          edits++
          if (!seenBefore.includes(edit.old)) {
            blindWithout++
            continue
          }
          if (seenAfter.includes(edit.old)) continue
          blindEdits++
          // One more round trip: the request again from cache, and what its message hid read back.
          const i = original.findIndex((m) => visibleText([m]).includes(edit.old))
          const hidden = i === -1 ? 0 : Math.max(0, before.tokens[i]! - (after.tokens[i] ?? 0))
          cost += CACHE_READ * after.total + CACHE_WRITE * hidden
        }
      }
      costAfter += cost
      perTurn.push({ tokensBefore: before.total, tokensAfter: after.total, costBefore, costAfter: cost, ms })
      previousBefore = before
      previousAfter = after
    }
    times.sort((a, b) => a - b)
    const sum = (f: (t: TurnFigures) => number) => perTurn.reduce((a, t) => a + f(t), 0)
    return {
      agent: session.agent,
      file: session.file,
      turns: session.turns.length,
      tokensBefore: sum((t) => t.tokensBefore),
      tokensAfter: sum((t) => t.tokensAfter),
      costBefore: sum((t) => t.costBefore),
      costAfter,
      edits,
      blindEdits,
      blindWithout,
      unstableTurns,
      p50ms: percentile(times, 0.5),
      p95ms: percentile(times, 0.95),
      perTurn
    }
  })
