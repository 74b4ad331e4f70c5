/**
 * What flows between stages: the detected type of a content, and the result of compressing it
 * with enough facts for an honest one-line summary.
 *
 * @since 0.1.0
 */

/**
 * `json`, `code:<lang>` (`code:unknown` for code in a language not named), `log`, `search`,
 * `diff`, `html`, `prose` (sentences: the only type kompress shortens), `text` (anything else: it
 * passes through), `image:<mime>` or `binary`.
 */
export type ContentType =
  | "json"
  | `code:${string}`
  | "log"
  | "search"
  | "diff"
  | "html"
  | "prose"
  | "text"
  | `image:${string}`
  | "binary"

/** Counts of what a stage left out, by unit. */
export interface Dropped {
  readonly items?: number
  readonly keys?: number
  readonly lines?: number
  readonly chars?: number
  readonly words?: number
}

/**
 * Why a stage gave its input back unchanged: a closed set, so stats can count each.
 * - `below-threshold`: too small to be worth it (`HEADROOM_MIN_TOKENS`);
 * - `not-smaller`: the result would not be smaller, in bytes or estimated tokens;
 * - `unsure`: route could not tell what the text is, so nothing may change it;
 * - `not-code`, `not-json`, `not-text`: the input is not what the stage reads (binary to a text stage);
 * - `no-compressor`: nothing compresses this type (binary, a broken or animated image);
 * - `too-deep`: JSON nested deeper than the stage follows;
 * - `envelope-misaligned`: a file in numbered lines whose compressed form could not be put back in them;
 * - `file-lines`: a file an agent read (and may edit from) whose compressor would not keep its lines;
 * - `model-unavailable`: the kompress model directory cannot be loaded;
 * - `internal-error`: a bug, caught (the stage fails open).
 */
export const PASS_REASONS = [
  "below-threshold",
  "not-smaller",
  "unsure",
  "not-code",
  "not-json",
  "not-text",
  "no-compressor",
  "too-deep",
  "envelope-misaligned",
  "file-lines",
  "model-unavailable",
  "internal-error"
] as const

export type PassReason = (typeof PASS_REASONS)[number]

export interface Compressed {
  /** The output: text, or the input's bytes when they pass through untouched. */
  readonly output: string | Uint8Array
  readonly stage: string
  readonly type: ContentType
  /** The CCR key of the original when it was stored (the output differs from the input). */
  readonly key: string | undefined
  readonly bytesBefore: number
  readonly bytesAfter: number
  readonly dropped: Dropped
  /** Why the output is the input unchanged, when it is. */
  readonly passthrough?: PassReason | undefined
  /** What a person may want to know beyond the reason (which internal error, which line). */
  readonly note?: string | undefined
  /** An image's sizes, and its tokens by its provider's formula, before and after (text is counted by the reports). */
  readonly image?: {
    readonly provider: string
    readonly before: { readonly width: number; readonly height: number }
    readonly after: { readonly width: number; readonly height: number }
    readonly tokensBefore: number
    readonly tokensAfter: number
  } | undefined
}

const encoder = new TextEncoder()

export const byteLength = (output: string | Uint8Array): number =>
  typeof output === "string" ? Buffer.byteLength(output, "utf8") : output.length

export const toBytes = (output: string | Uint8Array): Uint8Array =>
  typeof output === "string" ? encoder.encode(output) : output

// ignoreBOM keeps a leading byte-order mark in the text, so text re-encodes to the same bytes.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

/** The text of bytes that are valid UTF-8, else undefined. */
export const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return strictDecoder.decode(bytes)
  } catch {
    return undefined
  }
}

/** The result of a stage that left its input as it was: the very same bytes. */
export const unchanged = (
  input: Uint8Array,
  stage: string,
  type: ContentType,
  passthrough: PassReason,
  note?: string | undefined
): Compressed => ({
  output: input,
  stage,
  type,
  key: undefined,
  bytesBefore: input.length,
  bytesAfter: input.length,
  dropped: {},
  passthrough,
  ...(note !== undefined ? { note } : {})
})

/**
 * What a streaming stage emits: output as soon as it is decided, then one `Done` with the
 * figures of the whole run (its `output` is empty: the output went out in pieces).
 */
export type Emitted =
  | { readonly _tag: "Output"; readonly bytes: Uint8Array }
  | { readonly _tag: "Done"; readonly result: Compressed }
