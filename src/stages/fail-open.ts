/**
 * Fail open: a compressor that breaks (a bug, an input it did not foresee) gives back its input
 * unchanged, saying why, instead of failing the pipeline. Typed failures — input that is not
 * what the stage reads, a store that cannot be used — still fail: the caller decides.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Compressed, type ContentType, unchanged } from "../core/content.ts"

export const failOpen = (input: Uint8Array, stage: string, type: ContentType) =>
<E, R>(effect: Effect.Effect<Compressed, E, R>): Effect.Effect<Compressed, E, R> =>
  effect.pipe(
    Effect.catchDefect((defect) =>
      Effect.succeed(unchanged(input, stage, type, "internal-error", defect instanceof Error ? defect.message : String(defect)))
    )
  )
