/**
 * The kompress stage: prose made shorter by dropping low-information words within lines — the
 * one stage that changes what is inside a line, so it says where it did. Only lines that read as
 * sentences are shortened (indentation, list markers, code spans and URLs kept); headings, code
 * blocks, tables and lines that look like code stay as they are. Numbers, names, identifiers,
 * paths, negations and the query's words are always kept. Each run of shortened lines is
 * followed by a marker line that counts the words it left out and names those lines of the
 * original (`[12 words not shown · headroom_retrieve hash=… lines=10-14]`), so the model knows
 * which lines are exact and can fetch the others; a run whose marker would cost more than it saves
 * stays as it was. Two scorers behind one interface: a token-classification model from a local
 * directory (`HEADROOM_KOMPRESS_MODEL`), else a fast statistical one.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, decodeUtf8, unchanged } from "../core/content.ts"
import { type KeyCollision, ModelUnavailable, type StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { render } from "../core/marker.ts"
import type { Store } from "../core/store.ts"
import { belowMinTokens, estimateTokens } from "../core/tokenizer.ts"
import { failOpen } from "./fail-open.ts"
import { wholeInput } from "./input.ts"
import { finishText } from "./result.ts"
import { loadModel, type ModelScorer } from "./kompress/model.ts"
import { keepStatistical } from "./kompress/statistical.ts"
import { joinLine, type Line, splitProse } from "./kompress/words.ts"
import { isSentence } from "./route/prose-shape.ts"
import { stage } from "./stage.ts"

export interface KompressOptions {
  readonly query?: string | undefined
  readonly ttlMs?: number | undefined
  /** Which scorer; by default the model when one is configured, else statistical. */
  readonly scorer?: "model" | "statistical" | undefined
}

const models = new Map<string, Promise<ModelScorer>>()

/** The model in a directory, loaded once per process. */
const modelAt = (dir: string): Effect.Effect<ModelScorer, ModelUnavailable> =>
  Effect.tryPromise({
    try: () => {
      let model = models.get(dir)
      if (!model) {
        model = loadModel(dir)
        models.set(dir, model)
        model.catch(() => models.delete(dir))
      }
      return model
    },
    catch: (e) => new ModelUnavailable({ location: dir, reason: e instanceof Error ? e.message.split("\n")[0]! : String(e) })
  })

/** A run of shortened lines saves at least this many tokens beyond its marker's cost. */
const MIN_NET_SAVING = 4
/** A run's marker covers at most this many lines, so what it returns stays a few paragraphs. */
const MAX_RUN_LINES = 40

/**
 * Shortens runs of sentence lines (paragraphs, and the blank lines between them), each run
 * followed by its marker; every other line stays as it was. Returns the text and how many words
 * were left out.
 */
export const shortenMarked = (
  lines: ReadonlyArray<Line>,
  keep: ReadonlyArray<ReadonlyArray<boolean>>,
  key: string,
  detail: string
) => {
  const out: Array<string> = []
  let dropped = 0
  const original = (line: Line) => line.text + line.eol
  const shortens = (i: number) => !lines[i]!.whole && isSentence(lines[i]!.text)
  const blank = (i: number) => lines[i]!.text.trim() === ""
  for (let i = 0; i < lines.length;) {
    if (!shortens(i)) {
      out.push(original(lines[i]!))
      i++
      continue
    }
    // The run: sentence lines, across blank lines between paragraphs, ending on a sentence line.
    let end = i
    for (let k = i + 1; k < lines.length && k - i < MAX_RUN_LINES; k++) {
      if (shortens(k)) end = k
      else if (!blank(k)) break
    }
    const before: Array<string> = []
    const after: Array<string> = []
    let words = 0
    for (let k = i; k <= end; k++) {
      before.push(original(lines[k]!))
      after.push(shortens(k) ? joinLine(lines[k]!, keep[k]!) : original(lines[k]!))
      if (shortens(k)) {
        lines[k]!.parts.forEach((p, n) => {
          if (p.word && !keep[k]![n]) words++
        })
      }
    }
    // The marker ends the run on a line of its own: the run's last line gets a break if it had none.
    if (!after[after.length - 1]!.endsWith("\n")) after[after.length - 1] += "\n"
    const marker = `${render({ key, count: words, unit: "words", detail, selector: { lines: `${i + 1}-${end + 1}` } })}\n`
    const saving = estimateTokens(before.join("")) - estimateTokens(after.join("")) - estimateTokens(marker)
    if (words > 0 && saving >= MIN_NET_SAVING) {
      out.push(...after, marker)
      dropped += words
    } else out.push(...before)
    i = end + 1
  }
  return { text: out.join(""), dropped }
}

/** Shortens prose lines; returns the text and how many words were left out. */
export const shorten = (lines: ReadonlyArray<Line>, keep: ReadonlyArray<ReadonlyArray<boolean>>) => {
  let dropped = 0
  const text = lines.map((line, i) => {
    const mask = keep[i]!
    line.parts.forEach((p, k) => {
      if (p.word && !mask[k]) dropped++
    })
    return joinLine(line, mask)
  }).join("")
  return { text, dropped }
}

export const kompressBytes = (
  input: Uint8Array,
  options: KompressOptions = {}
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision | ModelUnavailable, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    if (belowMinTokens(input, settings.minTokens)) return unchanged(input, "kompress", "prose", "below-threshold")
    const source = decodeUtf8(input)
    if (source === undefined) return unchanged(input, "kompress", "prose", "not-text")
    const lines = splitProse(source)
    const useModel = options.scorer === "model" || (options.scorer === undefined && settings.kompressModel !== undefined)
    if (useModel && settings.kompressModel === undefined) {
      return yield* new ModelUnavailable({ location: "(none)", reason: "set HEADROOM_KOMPRESS_MODEL to a local model directory" })
    }
    const keep = useModel
      ? yield* Effect.flatMap(modelAt(settings.kompressModel!), (m) => Effect.promise(() => m.keep(lines, options.query)))
      : keepStatistical(lines, options.query)
    const key = keyOf(input)
    const { text, dropped } = shortenMarked(lines, keep, key, `shortened above${useModel ? ", by the model" : ""}`)
    if (dropped === 0) return unchanged(input, "kompress", "prose", "not-smaller")
    return yield* finishText(input, "kompress", "prose", text, { words: dropped }, options.ttlMs ?? settings.ttlMs)
  }).pipe(failOpen(input, "kompress", "prose"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const kompress = (options: KompressOptions = {}) => wholeInput((bytes) => kompressBytes(bytes, options))

export const kompressStage = stage<{ scorer: "model" | "statistical" | undefined }>({
  name: "kompress",
  summary: "shorten prose: low-information words dropped, every fact kept, every shortened run marked",
  description:
    "Shorten prose from stdin by dropping low-information words within lines that read as sentences; each run " +
    "of shortened lines is followed by a marker naming those lines of the original. Headings, code blocks, " +
    "tables, indented lines and lines that look like code stay as they are; numbers, names, identifiers, paths, " +
    "URLs, negations, quantifiers, conditions and --query words are always kept. The scorer is a local " +
    "token-classification model (HEADROOM_KOMPRESS_MODEL: config.json, tokenizer.json, onnx/model.onnx) if set, " +
    "else a fast statistical one. `headroom compress` sends only text that is clearly prose here.",
  examples: [
    { command: "cat notes.md | headroom kompress", description: "shorter notes" },
    { command: "HEADROOM_KOMPRESS_MODEL=~/models/llmlingua2 headroom kompress < report.txt", description: "with a model" }
  ],
  handles: (type) => type === "prose",
  options: {
    scorer: {
      kind: "choice",
      choices: ["model", "statistical"],
      description: "model: the token classifier in HEADROOM_KOMPRESS_MODEL; statistical: no model (default: model if set)"
    }
  },
  run: (input, options) => kompressBytes(input, options)
})
