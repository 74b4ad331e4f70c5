/**
 * The route stage: what kind of content this is (detect.ts) and which stage of the registry
 * `compress` hands it to.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { ContentType } from "../core/content.ts"
import { classify, type Hints } from "./detect.ts"
import { wholeInput } from "./input.ts"
import { stageFor } from "./registry.ts"

export { CONTENT_TYPES, detect, type Hints } from "./detect.ts"

/** The stage `compress` uses for a type; undefined where input passes through (text it is unsure of, binary). */
export const compressorFor = (type: ContentType): string | undefined => stageFor(type)?.name

export interface Route {
  readonly type: ContentType
  readonly compressor: string | undefined
  readonly bytes: number
  /** `numbered` when the content is a file in numbered lines (`cat -n`, `Read`). */
  readonly envelope?: "numbered" | undefined
}

export const routeBytes = (bytes: Uint8Array, hints: Hints = {}): Route => {
  const { type, envelope } = classify(bytes, hints)
  return { type, compressor: compressorFor(type), bytes: bytes.length, ...(envelope ? { envelope } : {}) }
}

/** The stream stage: reads its input, emits one {@link Route}. */
export const route = (hints: Hints = {}) => wholeInput((bytes) => Effect.succeed(routeBytes(bytes, hints)))
