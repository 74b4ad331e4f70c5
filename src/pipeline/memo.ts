/**
 * What was worked out for earlier requests, kept for the next ones: each tool result's outcome,
 * keyed by a hash chained over the blocks up to it (so it is only ever found for the very same
 * conversation so far), and the pipeline's state after a request's last block, found again for a
 * request that begins with that request's blocks. A request is mostly the previous one plus a few
 * blocks: it is compressed from where that one ended. Bounded in entries and in characters: the
 * least recently used entries go first.
 *
 * @since 0.2.0
 */

/** How much is remembered at most: entries, and their characters (what keeps a long-running proxy's memory bounded). */
export interface MemoLimits {
  readonly outcomes: number
  readonly outcomeChars: number
  readonly states: number
  readonly stateChars: number
}

export const MEMO_LIMITS: MemoLimits = { outcomes: 50_000, outcomeChars: 8_000_000, states: 64, stateChars: 32_000_000 }

/** Least recently used entries go first, once there are more than `capacity` or they weigh more than `budget`. */
export class Lru<A> {
  private readonly entries = new Map<string, { readonly value: A; readonly weight: number }>()
  private weight = 0

  constructor(private readonly capacity: number, private readonly budget: number) {}

  get(key: string): A | undefined {
    const hit = this.entries.get(key)
    if (hit !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, hit)
    }
    return hit?.value
  }

  *values(): IterableIterator<[string, A]> {
    for (const [key, entry] of this.entries) yield [key, entry.value]
  }

  delete(key: string): void {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    this.weight -= entry.weight
    this.entries.delete(key)
  }

  set(key: string, value: A, weight: number): void {
    this.delete(key)
    this.entries.set(key, { value, weight })
    this.weight += weight
    // The newest stays even alone over the budget: the next request of its conversation needs it.
    while (this.entries.size > 1 && (this.entries.size > this.capacity || this.weight > this.budget)) {
      this.delete(this.entries.keys().next().value as string)
    }
  }
}

export class Memo {
  private readonly outcomes: Lru<unknown>
  private readonly states: Lru<unknown>

  constructor(limits: Partial<MemoLimits> = {}) {
    const l = { ...MEMO_LIMITS, ...limits }
    this.outcomes = new Lru(l.outcomes, l.outcomeChars)
    this.states = new Lru(l.states, l.stateChars)
  }

  get(key: string): unknown {
    return this.outcomes.get(key)
  }

  /** An outcome, weighing `chars` (its text's length). */
  set(key: string, value: unknown, chars = 0): void {
    this.outcomes.set(key, value, key.length + chars)
  }

  /**
   * The state that covers the most of a request (`extent`: how many of its blocks a state has
   * read, or -1 when it is not a prefix), taken out: the caller goes on from it and puts it back
   * under its new key.
   */
  takeLongest<S>(extent: (state: S) => number): S | undefined {
    let best: [string, S] | undefined
    let most = 0
    for (const [key, state] of this.states.values()) {
      const n = extent(state as S)
      if (n > most) {
        most = n
        best = [key, state as S]
      }
    }
    if (best === undefined) return undefined
    this.states.delete(best[0])
    return best[1]
  }

  /** A state, weighing `chars`: the characters of the conversation it keeps. */
  putState(key: string, state: unknown, chars: number): void {
    this.states.set(key, state, key.length + chars)
  }
}
