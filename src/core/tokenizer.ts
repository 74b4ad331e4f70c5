/**
 * Token counting. Exact counts use tiktoken (o200k_base for current OpenAI models, cl100k_base
 * for older ones). Claude's and Gemini's tokenizers are not public: their counts are documented
 * estimates (see {@link encodingFor}). Counting is slow next to compression (~2–6 MB/s), so it is
 * done only for reports, loaded on first use, sampled for large texts and cached.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { createRequire } from "node:module"
import { Config } from "./config.ts"

export type EncodingName = "o200k_base" | "cl100k_base"

export interface TokenizerInfo {
  readonly encoding: EncodingName
  /** Multiplier applied to the encoding's count; 1 for OpenAI models. */
  readonly scale: number
  /** False when the count is an estimate of a tokenizer that is not public. */
  readonly exact: boolean
}

/**
 * Which encoding counts a model's tokens.
 * - `gpt-4o`, `gpt-4.1`, `gpt-5*`, `o1`/`o3`/`o4*`, `chatgpt-*`: o200k_base, exact.
 * - `gpt-4`, `gpt-3.5*`, `text-embedding-*`: cl100k_base, exact.
 * - `claude-*`: cl100k_base × 1.1, an estimate — Anthropic's tokenizer yields somewhat more
 *   tokens than cl100k on English, code and JSON; use the provider's count_tokens API for billing.
 * - `gemini-*` and anything unknown: o200k_base × 1.0, an estimate.
 */
export const encodingFor = (model: string): TokenizerInfo => {
  const m = model.toLowerCase()
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-)/.test(m)) return { encoding: "o200k_base", scale: 1, exact: true }
  if (/^(gpt-4|gpt-3\.5|text-embedding-|davinci|babbage)/.test(m)) return { encoding: "cl100k_base", scale: 1, exact: true }
  if (m.startsWith("claude")) return { encoding: "cl100k_base", scale: 1.1, exact: false }
  return { encoding: "o200k_base", scale: 1, exact: false }
}

export interface TokenCount {
  readonly tokens: number
  /** False when the tokenizer is an estimate or the text was sampled. */
  readonly exact: boolean
}

export interface TokenCounter {
  readonly model: string
  readonly info: TokenizerInfo
  count(text: string): TokenCount
}

/** The token counter of the configured model, as a service. */
export class Tokenizer extends Context.Service<Tokenizer, TokenCounter>()("headroom/Tokenizer") {}

/** Texts up to this many characters are counted whole; longer ones from evenly spaced samples. */
const EXACT_LIMIT = 1024 * 1024
const SAMPLES = 32
const SAMPLE_CHARS = 4096

/** About this many characters (or bytes) make a token, for decisions on the hot path. */
export const BYTES_PER_TOKEN = 4

/** A cheap, calibrated estimate for decisions on the hot path and for reports (see estimate.ts). */
export { estimateTokens, fewerTokensThan } from "./estimate.ts"

/** True when bytes are too few to be worth compressing: under `minTokens` by the cheap estimate. */
export const belowMinTokens = (input: Uint8Array, minTokens: number): boolean => input.length < minTokens * BYTES_PER_TOKEN

type Encoder = { encode_ordinary(text: string): { length: number } }
const encoders = new Map<EncodingName, Encoder>()

const loadEncoder = (name: EncodingName): Encoder => {
  let encoder = encoders.get(name)
  if (!encoder) {
    const tiktoken = createRequire(import.meta.url)("tiktoken") as { get_encoding(n: string): Encoder }
    encoder = tiktoken.get_encoding(name)
    encoders.set(name, encoder)
  }
  return encoder
}

/** Pieces encoded at once: BPE is quadratic in a piece's length, so long texts go in pieces. */
const PIECE_CHARS = 2048
/** A stretch with no place to cut cleanly (`=====…`, `[[[[…`) is cut every this many characters. */
const HARD_CUT = 256

/**
 * Where a text can be cut without changing its tokens: after a line break whose next line starts
 * with something other than whitespace (after its indentation), or before a space that precedes a
 * letter — the pre-tokenizer never joins across those. Returns the cut nearest the limit, or -1.
 */
const cleanCut = (text: string, from: number, limit: number): number => {
  const isSpace = (c: number) => c === 32 || c === 9
  const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
  for (let i = Math.min(limit, text.length - 2); i > from; i--) {
    const c = text.charCodeAt(i)
    if (c === 32 && isLetter(text.charCodeAt(i + 1))) return i
    if (c === 10) {
      let j = i + 1
      while (j < text.length && isSpace(text.charCodeAt(j))) j++
      const next = text.charCodeAt(j)
      if (j < text.length && next !== 10 && next !== 13) return i + 1
    }
  }
  return -1
}

/** Exact counts in pieces, so time stays linear; exact unless a piece had to be cut where it joins. */
const countInPieces = (encoder: Encoder, text: string): TokenCount => {
  let tokens = 0
  let exact = true
  for (let at = 0; at < text.length;) {
    if (text.length - at <= PIECE_CHARS) {
      tokens += encoder.encode_ordinary(text.slice(at)).length
      break
    }
    let cut = cleanCut(text, at, at + PIECE_CHARS)
    if (cut === -1) {
      cut = at + HARD_CUT
      exact = false
    }
    tokens += encoder.encode_ordinary(text.slice(at, cut)).length
    at = cut
  }
  return { tokens, exact }
}

const countWith = (encoder: Encoder, text: string): TokenCount => {
  if (text.length <= EXACT_LIMIT) return countInPieces(encoder, text)
  const stride = Math.floor((text.length - SAMPLE_CHARS) / (SAMPLES - 1))
  let sampledTokens = 0
  for (let i = 0; i < SAMPLES; i++) {
    sampledTokens += countInPieces(encoder, text.slice(i * stride, i * stride + SAMPLE_CHARS)).tokens
  }
  return { tokens: Math.round((sampledTokens / (SAMPLES * SAMPLE_CHARS)) * text.length), exact: false }
}

/** A tokenizer for a model; the encoder loads on the first count. */
export const make = (model: string): TokenCounter => {
  const info = encodingFor(model)
  const cache = new Map<string, TokenCount>()
  return {
    model,
    info,
    count(text) {
      const cached = cache.get(text)
      if (cached) return cached
      const raw = countWith(loadEncoder(info.encoding), text)
      const result = { tokens: Math.round(raw.tokens * info.scale), exact: raw.exact && info.exact }
      if (cache.size >= 256) cache.delete(cache.keys().next().value as string)
      cache.set(text, result)
      return result
    }
  }
}

/** The counter for the model in the settings; cheap to provide, as the encoder loads on first use. */
export const layer: Layer.Layer<Tokenizer, never, Config> = Layer.effect(Tokenizer, Effect.map(Config, (s) => make(s.model)))
