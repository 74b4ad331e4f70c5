/**
 * Real agent sessions (the corpus transcripts of Claude Code, Codex and Gemini CLI) replayed turn
 * by turn through compress(request), against the same requests sent as they were: input tokens,
 * cache-priced cost with blind edits charged, edits made blind, unstable turns, time per turn.
 */
import { Effect, Layer } from "effect"
import { basename } from "node:path"
import * as Config from "../../core/config.ts"
import * as MemoryStore from "../../store/memory.ts"
import { percent } from "../measure.ts"
import { replay, type SessionFigures } from "../replay.ts"
import { sessions } from "../sessions.ts"
import type { Suite } from "../tier1.ts"

const replayed = new Map<string, Promise<Array<SessionFigures>>>()

/** Every session of a corpus replayed, once per corpus and process (the table and the chart share it). */
export const replaySessions = (corpus: string): Promise<Array<SessionFigures>> => {
  let figures = replayed.get(corpus)
  if (figures === undefined) {
    const layer = Layer.merge(MemoryStore.layer(), Config.layerWith({ home: "/nonexistent" }))
    figures = Effect.runPromise(Effect.forEach(sessions(corpus), replay).pipe(Effect.provide(layer)))
    replayed.set(corpus, figures)
  }
  return figures
}

/** A session's short name: its agent and its file's name, a uuid's first part only (a subagent's says so). */
export const sessionName = (f: SessionFigures): string => {
  const name = basename(f.file).replace(/\.jsonl?$/, "")
  const short = /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(name) ? name.slice(0, 8) : name.length > 30 ? `${name.slice(0, 29)}…` : name
  return `${f.agent} ${f.file.includes("/subagents/") ? "subagent " : ""}${short}`
}

export const sessionsSuite: Suite = {
  type: "sessions",
  retention: "cost with cache pricing (prefix read at 0.1×, the rest written at 1.25×, a blind edit charged one more round trip); edits made blind (as sent); turns not a prefix of the next",
  run: async ({ corpus }) =>
    (await replaySessions(corpus)).map((f) => ({
      session: sessionName(f),
      turns: f.turns,
      "tokens before": f.tokensBefore,
      "tokens after": f.tokensAfter,
      reduction: percent(f.tokensAfter, f.tokensBefore),
      "cost before": Math.round(f.costBefore),
      "cost after": Math.round(f.costAfter),
      "cost saved": percent(f.costAfter, f.costBefore),
      edits: f.edits,
      blind: `${f.blindEdits} (${f.blindWithout})`,
      unstable: f.unstableTurns,
      "p50 ms": f.p50ms.toFixed(1),
      "p95 ms": f.p95ms.toFixed(1)
    }))
}
