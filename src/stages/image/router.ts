/**
 * The image router: text (screenshots, terminals, code), diagram, or photo, from an image's
 * features — a multinomial logistic regression over standardised features. Its weights
 * (router-weights.ts, written by the script) are trained by `npx tsx scripts/train-image-router.ts` on labelled images
 * the project generates (generate.ts), which also reports the accuracy on held-out images.
 *
 * @since 0.4.0
 */
import { FEATURES, type Features } from "./features.ts"
import { TRAINED } from "./router-weights.ts"

export type ImageClass = "text" | "diagram" | "photo"
export const CLASSES: ReadonlyArray<ImageClass> = ["text", "diagram", "photo"]

export interface RouterWeights {
  readonly mean: ReadonlyArray<number>
  readonly std: ReadonlyArray<number>
  /** Per class, a weight per feature and a bias last. */
  readonly weights: ReadonlyArray<ReadonlyArray<number>>
}

const vectorOf = (f: Features): Array<number> => FEATURES.map((name) => f[name])

const scores = (model: RouterWeights, f: Features): Array<number> => {
  const x = vectorOf(f).map((v, i) => (v - model.mean[i]!) / model.std[i]!)
  return model.weights.map((w) => x.reduce((sum, v, i) => sum + v * w[i]!, w[x.length]!))
}

/** The class of an image by its features. */
export const classify = (f: Features, model: RouterWeights = TRAINED): ImageClass => {
  const s = scores(model, f)
  return CLASSES[s.indexOf(Math.max(...s))]!
}

/** Trains the router: gradient descent on the softmax loss, deterministic for the same samples. */
export const train = (samples: ReadonlyArray<{ readonly features: Features; readonly label: ImageClass }>, epochs = 600, rate = 0.5): RouterWeights => {
  const xs = samples.map((s) => vectorOf(s.features))
  const d = FEATURES.length
  const mean = Array.from({ length: d }, (_, i) => xs.reduce((sum, x) => sum + x[i]!, 0) / xs.length)
  const std = Array.from({ length: d }, (_, i) => Math.sqrt(xs.reduce((sum, x) => sum + (x[i]! - mean[i]!) ** 2, 0) / xs.length) || 1)
  const normal = xs.map((x) => x.map((v, i) => (v - mean[i]!) / std[i]!))
  const weights = CLASSES.map(() => new Array<number>(d + 1).fill(0))
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradient = CLASSES.map(() => new Array<number>(d + 1).fill(0))
    normal.forEach((x, n) => {
      const z = weights.map((w) => x.reduce((sum, v, i) => sum + v * w[i]!, w[d]!))
      const top = Math.max(...z)
      const e = z.map((v) => Math.exp(v - top))
      const total = e.reduce((a, b) => a + b, 0)
      CLASSES.forEach((c, k) => {
        const error = e[k]! / total - (samples[n]!.label === c ? 1 : 0)
        for (let i = 0; i < d; i++) gradient[k]![i]! += error * x[i]!
        gradient[k]![d]! += error
      })
    })
    // A little weight decay keeps the weights finite on separable data.
    weights.forEach((w, k) => w.forEach((v, i) => (w[i] = v - rate * (gradient[k]![i]! / normal.length + (i < d ? 0.001 * v : 0)))))
  }
  return { mean, std, weights }
}

/** The share of samples a model classifies as labelled. */
export const accuracy = (model: RouterWeights, samples: ReadonlyArray<{ readonly features: Features; readonly label: ImageClass }>): number =>
  samples.filter((s) => classify(s.features, model) === s.label).length / Math.max(1, samples.length)
