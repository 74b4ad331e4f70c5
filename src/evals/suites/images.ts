/**
 * Images: the set the project generates (src/stages/image/generate.ts) — screenshots at 1× and
 * HiDPI, terminal captures, code in an editor, diagrams, photo-like scenes — each shrunk for each
 * provider: image tokens by the provider's own formula before and after, and for the images with
 * text, how many drawn characters glyph matching still reads (of those it reads in the original).
 */
import { readBack } from "../../stages/image/legible.ts"
import { generate, type Generated, KINDS } from "../../stages/image/generate.ts"
import { shrink } from "../../stages/image/shrink.ts"
import type { ImageProvider } from "../../stages/image/cost.ts"
import { imageTokens } from "../../stages/image/cost.ts"
import { ms, percent } from "../measure.ts"
import type { Suite } from "../tier1.ts"

/** Images of each kind, from seeds no training used. */
const PER_KIND = 4
const FIRST_SEED = 400_000
const PROVIDERS: ReadonlyArray<ImageProvider> = ["anthropic", "openai", "gemini"]

export const imagesSuite: Suite = {
  type: "images",
  retention: "characters of the drawn text read back by glyph matching after / in the original (text kinds and diagrams)",
  run: async () => {
    const images: Array<Generated & { readonly legible: number }> = []
    for (const kind of KINDS) {
      for (let seed = FIRST_SEED; seed < FIRST_SEED + PER_KIND; seed++) {
        const image = await generate(kind, seed)
        images.push({ ...image, legible: (await readBack(image.png, image.lines, image)).read })
      }
    }
    const rows: Array<Record<string, string | number>> = []
    for (const provider of PROVIDERS) {
      let allBefore = 0
      let allAfter = 0
      for (const kind of KINDS) {
        let before = 0
        let after = 0
        let read = 0
        let legible = 0
        const times: Array<number> = []
        for (const image of images.filter((i) => i.kind === kind)) {
          const t0 = performance.now()
          const result = await shrink(image.png, { provider })
          times.push(performance.now() - t0)
          const tokens = imageTokens(provider, image)
          before += tokens
          after += "kept" in result ? tokens : result.tokensAfter
          legible += image.legible
          read += "kept" in result ? image.legible : (await readBack(result.bytes, image.lines, image)).read
        }
        times.sort((a, b) => a - b)
        rows.push({
          provider,
          kind,
          images: times.length,
          "tokens before": before,
          "tokens after": after,
          reduction: percent(after, before),
          "text read back": legible === 0 ? "—" : `${read}/${legible}`,
          "p50 ms": ms(times[Math.floor(times.length / 2)]!)
        })
        allBefore += before
        allAfter += after
      }
      rows.push({ provider, kind: "all", images: images.length, "tokens before": allBefore, "tokens after": allAfter, reduction: percent(allAfter, allBefore) })
    }
    return rows
  }
}
