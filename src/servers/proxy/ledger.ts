/**
 * The ledger of the proxy's work, one record per model call, kept in the store beside the
 * originals so `headroom stats` can total it later: when, which client and model, tokens before
 * and after (estimates, per stage), and the upstream's own usage figures when it reported them.
 * Headers, keys and bodies are never recorded.
 *
 * @since 0.3.0
 */
import { Effect } from "effect"
import type { IncomingHttpHeaders } from "node:http"
import { Store } from "../../core/store.ts"
import type { StageStats } from "../../pipeline/compress-request.ts"
import type { Provider } from "../../providers/conversation.ts"
import type { Usage } from "./usage.ts"

export interface LedgerEntry {
  /** Epoch milliseconds. */
  readonly at: number
  readonly client: string
  readonly provider: Provider
  readonly model: string
  /** Estimated tokens of the request's messages as sent to the proxy, and as sent upstream. */
  readonly tokensBefore: number
  readonly tokensAfter: number
  readonly stages: Readonly<Record<string, StageStats>>
  /** The upstream's figures for the request as sent, when its answer had them. */
  readonly usage?: Usage | undefined
  readonly status: number
  /** headroom_retrieve calls the proxy answered for this request: a sign of what compression hid that the model needed. */
  readonly retrievals?: number | undefined
  /** Milliseconds the proxy added before the request went upstream. */
  readonly overheadMs: number
}

/** Clients told by their headers: the first match names the client. */
const CLIENTS: ReadonlyArray<readonly [string, RegExp]> = [
  ["claude-code", /claude-cli|claude-code/i],
  ["codex", /codex/i],
  ["gemini-cli", /GeminiCLI|gemini-cli/i],
  ["copilot-cli", /copilot/i],
  ["aider", /aider/i],
  ["openai-sdk", /^OpenAI\//],
  ["anthropic-sdk", /^Anthropic\//],
  ["genai-sdk", /google-genai-sdk|genai-js/i]
]

/** The client's name, from its user agent (and Codex's `originator`, Gemini's `x-goog-api-client`). */
export const clientOf = (headers: IncomingHttpHeaders): string => {
  // Copilot CLI calls its own provider through the OpenAI SDK (`OpenAI/JS`): its own headers tell it.
  if (headers["x-initiator"] !== undefined || headers["x-interaction-type"] !== undefined) return "copilot-cli"
  const said = [headers["user-agent"], headers.originator, headers["x-goog-api-client"]].filter((h) => typeof h === "string").join(" ")
  const known = CLIENTS.find(([, pattern]) => pattern.test(said))
  if (known) return known[0]
  const first = /^[\w.-]+/.exec(String(headers["user-agent"] ?? ""))?.[0]
  return first ?? "unknown"
}

/** The model a request is for: the body's `model`, or Gemini's path. */
export const modelOf = (body: unknown, url: string): string => {
  const named = body !== null && typeof body === "object" ? (body as { model?: unknown }).model : undefined
  if (typeof named === "string" && named !== "") return named
  return /\/models\/([^/:?]+)/.exec(url)?.[1] ?? "unknown"
}

export const record = (entry: LedgerEntry) =>
  Effect.gen(function*() {
    const store = yield* Store
    yield* store.record(entry.at, new TextEncoder().encode(JSON.stringify(entry)))
  })

/** The ledger's entries from `since` on; a record that cannot be read is skipped. */
export const entries = (since: number) =>
  Effect.gen(function*() {
    const store = yield* Store
    const out: Array<LedgerEntry> = []
    for (const bytes of yield* store.records(since)) {
      try {
        out.push(JSON.parse(new TextDecoder().decode(bytes)) as LedgerEntry)
      } catch {
        // A record from a newer or broken writer: not this reader's to guess at.
      }
    }
    return out
  })
