/**
 * Whole-input stages (crush, compress, route, ccr-put) read their stream to the end first.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"

/** Concatenates a byte stream into one buffer. */
export const collect = <E, R>(input: Stream.Stream<Uint8Array, E, R>): Effect.Effect<Uint8Array, E, R> =>
  Stream.runFold(input, () => [] as Array<Uint8Array>, (chunks, chunk) => {
    chunks.push(chunk)
    return chunks
  }).pipe(Effect.map((chunks) => chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))

const encoder = new TextEncoder()

/** A byte stream of one text, for tests and for composing stages in TypeScript. */
export const fromText = (text: string): Stream.Stream<Uint8Array> => Stream.succeed(encoder.encode(text))

/**
 * A stream stage from an Effect over the whole input: reads the stream to the end, emits one
 * result. Stages that must see all of their input (crush, search, diff…) are built this way.
 */
export const wholeInput = <A, E2, R2>(f: (bytes: Uint8Array) => Effect.Effect<A, E2, R2>) =>
<E, R>(input: Stream.Stream<Uint8Array, E, R>): Stream.Stream<A, E | E2, R | R2> =>
  Stream.fromEffect(Effect.flatMap(collect(input), f))
