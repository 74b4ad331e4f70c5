/**
 * What input tokens cost, for `headroom stats` to put a price on the tokens it saved: list prices
 * in US dollars per million input tokens, and what a token read from the provider's prompt cache
 * (and written to it) costs as a multiple of that. From the providers' public price pages as of
 * November 2026; a model not listed is priced as its provider's usual model and said to be.
 *
 * @since 0.3.0
 */
import type { Provider } from "../providers/conversation.ts"

export interface Price {
  /** US dollars per million input tokens. */
  readonly input: number
  /** Multiples of `input` for a token read from the cache, and one written to it. */
  readonly cacheRead: number
  readonly cacheWrite: number
}

/** Model name prefixes and their prices: the longest matching prefix wins. */
export const PRICES: ReadonlyArray<readonly [string, Price]> = [
  ["claude-opus-4-5", { input: 5, cacheRead: 0.1, cacheWrite: 1.25 }],
  ["claude-opus-4", { input: 15, cacheRead: 0.1, cacheWrite: 1.25 }],
  ["claude-sonnet-4", { input: 3, cacheRead: 0.1, cacheWrite: 1.25 }],
  ["claude-3-7-sonnet", { input: 3, cacheRead: 0.1, cacheWrite: 1.25 }],
  ["claude-haiku-4", { input: 1, cacheRead: 0.1, cacheWrite: 1.25 }],
  ["claude-3-5-haiku", { input: 0.8, cacheRead: 0.1, cacheWrite: 1.25 }],
  ["gpt-5-nano", { input: 0.05, cacheRead: 0.1, cacheWrite: 1 }],
  ["gpt-5-mini", { input: 0.25, cacheRead: 0.1, cacheWrite: 1 }],
  ["gpt-5", { input: 1.25, cacheRead: 0.1, cacheWrite: 1 }],
  ["gpt-4.1-mini", { input: 0.4, cacheRead: 0.25, cacheWrite: 1 }],
  ["gpt-4.1", { input: 2, cacheRead: 0.25, cacheWrite: 1 }],
  ["gpt-4o-mini", { input: 0.15, cacheRead: 0.5, cacheWrite: 1 }],
  ["gpt-4o", { input: 2.5, cacheRead: 0.5, cacheWrite: 1 }],
  ["o4-mini", { input: 1.1, cacheRead: 0.25, cacheWrite: 1 }],
  ["o3", { input: 2, cacheRead: 0.25, cacheWrite: 1 }],
  ["gemini-3-pro", { input: 2, cacheRead: 0.1, cacheWrite: 1 }],
  ["gemini-2.5-pro", { input: 1.25, cacheRead: 0.25, cacheWrite: 1 }],
  ["gemini-2.5-flash-lite", { input: 0.1, cacheRead: 0.25, cacheWrite: 1 }],
  ["gemini-2.5-flash", { input: 0.3, cacheRead: 0.25, cacheWrite: 1 }]
]

/** A provider's usual model, for models the table does not list. */
const USUAL: Record<Provider, string> = {
  "anthropic": "claude-sonnet-4",
  "openai-chat": "gpt-5",
  "openai-responses": "gpt-5",
  "gemini": "gemini-2.5-pro"
}

/** The price of a model's input, and whether it was assumed (the model is not in the table). */
export const priceOf = (model: string, provider: Provider): { readonly price: Price; readonly assumed: boolean } => {
  const name = model.toLowerCase().replace(/^models\//, "")
  let best: readonly [string, Price] | undefined
  for (const entry of PRICES) if (name.startsWith(entry[0]) && (best === undefined || entry[0].length > best[0].length)) best = entry
  if (best) return { price: best[1], assumed: false }
  return { price: PRICES.find(([prefix]) => prefix === USUAL[provider])![1], assumed: true }
}
