/**
 * The machine-readable (`--json`) and human (`--stats`) reports of a compression. Token counts
 * are made here, not in the stages: by default a calibrated estimate (linear, ~1 ms per MB), or
 * with `--exact` the model's tokenizer (tiktoken: ~30 times slower, loaded only then).
 *
 * @since 0.1.0
 */
import { type Compressed, decodeUtf8 } from "../core/content.ts"
import { formatCount } from "../core/marker.ts"
import { estimateTokens, type TokenCount, type TokenCounter } from "../core/tokenizer.ts"

const textOf = (output: string | Uint8Array): string | undefined =>
  typeof output === "string" ? output : decodeUtf8(output)

export interface Report {
  readonly stage: string
  readonly type: string
  readonly hash: string | null
  readonly model: string
  readonly tokensBefore: number | null
  readonly tokensAfter: number | null
  /** False when a count is an estimate (a model whose tokenizer is not public, or a sampled text). */
  readonly tokensExact: boolean
  readonly reduction: number | null
  readonly bytesBefore: number
  readonly bytesAfter: number
  readonly dropped: Compressed["dropped"]
  readonly passthrough: string | null
  readonly note: string | null
}

/** What counts a report's tokens. */
export interface Counter {
  readonly model: string
  readonly count: (text: string) => TokenCount
}

/** The model's tokenizer with `exact`, else the calibrated estimate scaled to the model's tokenizer. */
export const counterFor = (tokenizer: TokenCounter, exact: boolean): Counter =>
  exact ? tokenizer : {
    model: tokenizer.model,
    count: (text) => ({ tokens: Math.round(estimateTokens(text) * tokenizer.info.scale), exact: false })
  }

/** A report from counts already made (a stream counts as it goes). */
export const reportOf = (c: Compressed, model: string, countBefore: TokenCount | undefined, countAfter: TokenCount | undefined): Report => {
  const tokensBefore = countBefore?.tokens ?? null
  const tokensAfter = countAfter?.tokens ?? null
  return {
    stage: c.stage,
    type: c.type,
    hash: c.key ?? null,
    model,
    tokensBefore,
    tokensAfter,
    tokensExact: (countBefore?.exact ?? false) && (countAfter?.exact ?? false),
    reduction: tokensBefore && tokensAfter !== null ? Number((1 - tokensAfter / tokensBefore).toFixed(4)) : null,
    bytesBefore: c.bytesBefore,
    bytesAfter: c.bytesAfter,
    dropped: c.dropped,
    passthrough: c.passthrough ?? null,
    note: c.note ?? null
  }
}

export const report = (c: Compressed, input: Uint8Array, counter: Counter): Report => {
  // An image's tokens are its provider's formula's, exact by that formula.
  if (c.image) return reportOf(c, c.image.provider, { tokens: c.image.tokensBefore, exact: true }, { tokens: c.image.tokensAfter, exact: true })
  const before = textOf(input)
  const after = textOf(c.output)
  const countBefore = before === undefined ? undefined : counter.count(before)
  const countAfter = after === undefined ? undefined : c.passthrough ? countBefore : counter.count(after)
  return reportOf(c, counter.model, countBefore, countAfter)
}

/** One line for people: `crush: 162,668 → 1,330 tokens (−99.2%) · hash=3973429420ae`. */
export const summaryLine = (r: Report): string => {
  const tokens = r.tokensBefore !== null && r.tokensAfter !== null
    ? `${formatCount(r.tokensBefore)} → ${formatCount(r.tokensAfter)} tokens${r.tokensExact ? "" : " (estimated)"}`
    : `${formatCount(r.bytesBefore)} → ${formatCount(r.bytesAfter)} bytes`
  const change = r.reduction === null ? "" : r.reduction >= 0 ? ` (−${(r.reduction * 100).toFixed(1)}%)` : ` (+${(-r.reduction * 100).toFixed(1)}%)`
  const tail = r.passthrough ? ` · unchanged: ${r.passthrough}${r.note ? ` (${r.note})` : ""}` : r.hash ? ` · hash=${r.hash}` : ""
  return `${r.stage}: ${tokens}${r.passthrough ? "" : change}${tail}`
}
