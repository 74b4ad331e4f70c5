/**
 * A process that stores `count` originals through the ccr-put stage into the LevelDB store at
 * `home`, printing each key once the store has acknowledged it. Used by the multi-process tests.
 *
 * usage: node --import tsx test/store-worker.ts HOME ID COUNT DELAY_MS
 */
import { Effect, Layer } from "effect"
import * as Config from "../src/core/config.ts"
import { ccrPutBytes } from "../src/stages/ccr-put.ts"
import * as LevelStore from "../src/store/level.ts"

const [home, id, count, delay] = process.argv.slice(2)

/** The content a worker writes as its i-th original; the test recomputes it to check what it reads. */
export const contentOf = (worker: string, i: number) => `worker ${worker} item ${i} ${"payload ".repeat(20 + (i % 7))}\n`

const program = Effect.gen(function*() {
  for (let i = 0; i < Number(count); i++) {
    const stored = yield* ccrPutBytes(new TextEncoder().encode(contentOf(id!, i)))
    process.stdout.write(`${stored.key}\n`)
    if (i === 0) process.stdout.write("ready\n")
    if (Number(delay) > 0) yield* Effect.sleep(Number(delay))
  }
  process.stdout.write("done\n")
})

if (home) {
  const layers = LevelStore.layer.pipe(Layer.provideMerge(Config.layerWith({ home })))
  Effect.runPromise(program.pipe(Effect.provide(layers))).catch((e) => {
    process.stderr.write(`worker ${id} failed: ${e}\n`)
    process.exit(1)
  })
}
