/**
 * What was worked out for earlier requests, kept for the next ones: each tool result's outcome,
 * and the pipeline's state after a request's last block, both keyed by a hash chained over the
 * blocks up to there (so an entry is only ever found for the very same conversation so far). A
 * request is mostly the previous one plus a few blocks: it is compressed from where that one
 * ended. Bounded: the least recently used entries go first.
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

  has(key: string): boolean {
    return this.entries.has(key)
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

  hasState(key: string): boolean {
    return this.states.has(key)
  }

  /** The state after these blocks, taken out: the caller goes on from it and puts it back under its new key. */
  takeState<S>(key: string): S | undefined {
    const state = this.states.get(key) as S | undefined
    this.states.delete(key)
    return state
  }

  putState(key: string, state: unknown): void {
    this.states.set(key, state)
  }
}
