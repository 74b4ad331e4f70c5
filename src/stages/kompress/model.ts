/**
 * The model scorer: any ONNX token classifier with a "keep" label (an LLMLingua-2 or Kompress
 * export, say), run with @huggingface/transformers from a local directory only — remote models
 * are disabled. Each word is kept when the model keeps any of its sub-word tokens; facts,
 * negations and query words are kept whatever the model says.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import { existsSync } from "node:fs"
import { basename, dirname, join, resolve } from "node:path"
import { isProtected, queryWordsOf } from "./statistical.ts"
import type { Line } from "./words.ts"

export interface ModelScorer {
  readonly keep: (lines: ReadonlyArray<Line>, query: string | undefined) => Promise<Array<Array<boolean>>>
}

/** Tokens per model call, special tokens included. */
const WINDOW = 512

interface Tokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): Array<number>
}
type Logits = { dims: Array<number>; data: Float32Array }
type Model = ((inputs: Record<string, unknown>) => Promise<{ logits: Logits }>) & { config: { id2label?: Record<string, string> } }

const keepIndex = (id2label: Record<string, string> | undefined): number => {
  for (const [id, label] of Object.entries(id2label ?? {})) if (/keep|preserve|retain/i.test(label)) return Number(id)
  return 1
}

/** The files a model directory must hold. */
const REQUIRED = ["config.json", "tokenizer.json", "tokenizer_config.json", join("onnx", "model.onnx")]

/** Loads the model in `dir` (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx). */
export const loadModel = async (dir: string): Promise<ModelScorer> => {
  if (!existsSync(dir)) throw new Error("no such directory")
  const missing = REQUIRED.filter((f) => !existsSync(join(dir, f)))
  if (missing.length > 0) throw new Error(`the directory lacks ${missing.join(", ")}`)
  // Required on first use: a heavy package that most runs never need.
  const hf = createRequire(import.meta.url)("@huggingface/transformers") as typeof import("@huggingface/transformers")
  hf.env.allowRemoteModels = false
  hf.env.allowLocalModels = true
  const path = resolve(dir)
  hf.env.localModelPath = `${dirname(path)}/`
  const name = basename(path)
  const tokenizer = await hf.AutoTokenizer.from_pretrained(name) as unknown as Tokenizer
  const model = await hf.AutoModelForTokenClassification.from_pretrained(name, { dtype: "fp32" }) as unknown as Model
  const keepAt = keepIndex(model.config.id2label)
  const special = tokenizer.encode("", { add_special_tokens: true })
  const [open, close] = special.length >= 2 ? [special.slice(0, 1), special.slice(-1)] : [[], []]
  const pieces = new Map<string, Array<number>>()
  const idsOf = (word: string) => {
    let ids = pieces.get(word)
    if (!ids) pieces.set(word, ids = tokenizer.encode(word, { add_special_tokens: false }).slice(0, WINDOW - 2))
    return ids
  }

  /** Runs the model on words packed into one window; returns keep per word. */
  const run = async (words: ReadonlyArray<string>): Promise<Array<boolean>> => {
    const ids: Array<number> = [...open]
    const spans: Array<[number, number]> = []
    for (const w of words) {
      const p = idsOf(w)
      spans.push([ids.length, ids.length + p.length])
      ids.push(...p)
    }
    ids.push(...close)
    const shape = [1, ids.length]
    const tensor = (values: Array<number>) => new hf.Tensor("int64", BigInt64Array.from(values.map(BigInt)), shape)
    const { logits } = await model({
      input_ids: tensor(ids),
      attention_mask: tensor(ids.map(() => 1)),
      token_type_ids: tensor(ids.map(() => 0))
    })
    const labels = logits.dims[2]!
    const keeps = (t: number) => {
      let best = 0
      for (let l = 1; l < labels; l++) if (logits.data[t * labels + l]! > logits.data[t * labels + best]!) best = l
      return best === keepAt
    }
    return spans.map(([a, b]) => {
      for (let t = a; t < b; t++) if (keeps(t)) return true
      return false
    })
  }

  return {
    keep: async (lines, query) => {
      const queryWords = queryWordsOf(query)
      const result = lines.map((l) => l.parts.map(() => true))
      // Words of all lines, packed into windows of the model's size.
      let batch: Array<[number, number, string]> = []
      let size = 2
      const flush = async () => {
        if (batch.length === 0) return
        const keeps = await run(batch.map(([, , w]) => w))
        batch.forEach(([l, p, w], k) => {
          result[l]![p] = keeps[k]! || isProtected(w, queryWords)
        })
        batch = []
        size = 2
      }
      for (const [l, line] of lines.entries()) {
        for (const [p, part] of line.parts.entries()) {
          if (!part.word) continue
          const n = idsOf(part.text).length
          if (size + n > WINDOW) await flush()
          batch.push([l, p, part.text])
          size += n
        }
      }
      await flush()
      return result
    }
  }
}
