/**
 * Trains the image router on labelled images the project generates (src/stages/image/generate.ts)
 * and writes its weights to src/stages/image/router-weights.ts; prints the accuracy on held-out
 * images (other seeds, never trained on), per class.
 *
 * Run: `npx tsx evals/train-image-router.ts` (TRAIN=… and HELD_OUT=… images per kind; defaults 24 and 12).
 */
import { writeFileSync } from "node:fs"
import sharp from "sharp"
import { join } from "node:path"
import { featuresOf } from "../src/stages/image/features.ts"
import { generate, KINDS } from "../src/stages/image/generate.ts"
import { accuracy, CLASSES, classify, type ImageClass, train } from "../src/stages/image/router.ts"

const TRAIN = Number(process.env.TRAIN ?? 24)
const HELD_OUT = Number(process.env.HELD_OUT ?? 12)
/** Held-out images come from seeds far from the training ones. */
const HELD_OUT_SEED = 100_000

const samplesOf = async (first: number, count: number) => {
  const out: Array<{ features: Awaited<ReturnType<typeof featuresOf>>; label: ImageClass; kind: string }> = []
  for (const kind of KINDS) {
    for (let seed = first; seed < first + count; seed++) {
      const image = await generate(kind, seed)
      out.push({ features: await featuresOf(sharp(image.png), image.width, image.height), label: image.label, kind })
      if (process.stderr.isTTY) process.stderr.write(`\r${out.length} images`)
    }
  }
  return out
}

const trainingSet = await samplesOf(0, TRAIN)
const heldOut = await samplesOf(HELD_OUT_SEED, HELD_OUT)
if (process.stderr.isTTY) process.stderr.write("\n")
const model = train(trainingSet)
const round = (xs: ReadonlyArray<number>) => xs.map((v) => Number(v.toFixed(6)))
writeFileSync(
  join(import.meta.dirname, "..", "src", "stages", "image", "router-weights.ts"),
  `// Written by \`npx tsx evals/train-image-router.ts\` (${TRAIN} training images per kind); do not edit by hand.\n` +
    `import type { RouterWeights } from "./router.ts"\n\n` +
    `export const TRAINED: RouterWeights = ${JSON.stringify({ mean: round(model.mean), std: round(model.std), weights: model.weights.map(round) })}\n`
)
console.log(`trained on ${trainingSet.length} images: accuracy ${(100 * accuracy(model, trainingSet)).toFixed(1)}%`)
console.log(`held out ${heldOut.length} images: accuracy ${(100 * accuracy(model, heldOut)).toFixed(1)}%`)
for (const c of CLASSES) {
  const of = heldOut.filter((s) => s.label === c)
  const wrong = of.filter((s) => classify(s.features, model) !== c).map((s) => `${s.kind}→${classify(s.features, model)}`)
  console.log(`  ${c}: ${of.length - wrong.length}/${of.length}${wrong.length ? ` (${wrong.join(", ")})` : ""}`)
}
