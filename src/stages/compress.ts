/**
 * The compress stage: route, then the compressor for the detected type. Types whose compressor
 * has not landed yet pass through unchanged, saying so.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import type { Config } from "../core/config.ts"
import { type Compressed, unchanged } from "../core/content.ts"
import type { Store } from "../core/store.ts"
import { crushBytes, type CrushError, type CrushOptions } from "./crush.ts"
import { collect } from "./input.ts"
import { routeBytes } from "./route.ts"

export type CompressOptions = CrushOptions

export const compressBytes = (
  input: Uint8Array,
  options: CompressOptions = {}
): Effect.Effect<Compressed, CrushError, Store | Config> => {
  const { type, compressor } = routeBytes(input)
  switch (compressor) {
    case "crush":
      return crushBytes(input, options)
    default:
      return Effect.succeed(unchanged(input, "compress", type, `no compressor for ${type} yet`))
  }
}

export const compress = (options: CompressOptions = {}) =>
<E, R>(input: Stream.Stream<Uint8Array, E, R>): Stream.Stream<Compressed, E | CrushError, R | Store | Config> =>
  Stream.fromEffect(Effect.flatMap(collect(input), (bytes) => compressBytes(bytes, options)))
