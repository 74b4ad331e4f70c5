/**
 * What was worked out for earlier requests, kept for the next ones: each tool result's outcome,
 * keyed by a hash chained over the blocks up to it (so it is only ever found for the very same
 * conversation so far), and the pipeline's state after a request's last block, found again for a
 * request that begins with that request's blocks. A request is mostly the previous one plus a few
 * blocks: it is compressed from where that one ended. Bounded: the least recently used entries go
 * first.
 *
 * @since 0.2.0
 */

/** Outcomes and states remembered at most. */
const OUTCOMES = 50_000
const STATES = 64

class Lru<A> {
  private readonly entries = new Map<string, A>()

  constructor(private readonly capacity: number) {}

  get(key: string): A | undefined {
    const hit = this.entries.get(key)
    if (hit !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, hit)
    }
    return hit
  }

  values(): IterableIterator<[string, A]> {
    return this.entries.entries()
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  set(key: string, value: A): void {
    this.entries.delete(key)
    this.entries.set(key, value)
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string)
  }
}

export class Memo {
  private readonly outcomes: Lru<unknown>
  private readonly states: Lru<unknown>

  constructor(outcomes = OUTCOMES, states = STATES) {
    this.outcomes = new Lru(outcomes)
    this.states = new Lru(states)
  }

  get(key: string): unknown {
    return this.outcomes.get(key)
  }

  set(key: string, value: unknown): void {
    this.outcomes.set(key, value)
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

  putState(key: string, state: unknown): void {
    this.states.set(key, state)
  }
}
