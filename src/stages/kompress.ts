/**
 * The kompress stage: prose made shorter by dropping low-information words within lines. Line
 * breaks, headings, list structure, code blocks and code spans stay; numbers, names,
 * identifiers, paths, URLs, negations and the query's words are always kept. Two scorers behind
 * one interface: a token-classification model from a local directory
 * (`HEADROOM_KOMPRESS_MODEL`), else a fast statistical one. One marker at the end counts the
 * words left out; the original is stored.
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
import { belowMinTokens } from "../core/tokenizer.ts"
import { failOpen } from "./fail-open.ts"
import { wholeInput } from "./input.ts"
import { finishText } from "./result.ts"
import { loadModel, type ModelScorer } from "./kompress/model.ts"
import { keepStatistical } from "./kompress/statistical.ts"
import { joinLine, type Line, splitProse } from "./kompress/words.ts"

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
    if (belowMinTokens(input, settings.minTokens)) return unchanged(input, "kompress", "text", "below-threshold")
    const source = decodeUtf8(input)
    if (source === undefined) return unchanged(input, "kompress", "text", "not UTF-8 text")
    const lines = splitProse(source)
    const useModel = options.scorer === "model" || (options.scorer === undefined && settings.kompressModel !== undefined)
    if (useModel && settings.kompressModel === undefined) {
      return yield* new ModelUnavailable({ location: "(none)", reason: "set HEADROOM_KOMPRESS_MODEL to a local model directory" })
    }
    const keep = useModel
      ? yield* Effect.flatMap(modelAt(settings.kompressModel!), (m) => Effect.promise(() => m.keep(lines, options.query)))
      : keepStatistical(lines, options.query)
    const { text, dropped } = shorten(lines, keep)
    if (dropped === 0) return unchanged(input, "kompress", "text", "not-smaller")
    const key = keyOf(input)
    const output = `${text}${text.endsWith("\n") ? "" : "\n"}${render({ key, count: dropped, unit: "words", detail: `low-information words${useModel ? ", by the model" : ""}` })}\n`
    return yield* finishText(input, "kompress", "text", output, { words: dropped }, options.ttlMs ?? settings.ttlMs)
  }).pipe(failOpen(input, "kompress", "text"))

/** The stream stage: reads its input to the end, emits one {@link Compressed}. */
export const kompress = (options: KompressOptions = {}) => wholeInput((bytes) => kompressBytes(bytes, options))
