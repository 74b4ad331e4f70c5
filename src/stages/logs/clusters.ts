/**
 * Online grouping of log lines by template, after Drain (He et al., 2017): lines with the same
 * number of words and the same first word are compared word by word, with numbers and hex ids
 * already masked; a line that matches an existing group on most positions joins it (and the
 * positions that differ become wildcards), else it starts a new group. This catches values
 * without digits (user names, states, host names) that masking alone leaves in place.
 *
 * @since 0.1.0
 */

/** Share of positions that must match for a line to join a group. */
const SIMILARITY = 0.7
/** Groups compared per (length, first word); past this, lines start new, unremembered groups. */
const GROUPS_PER_BUCKET = 256
const WILDCARD = "\u0000"

interface Group {
  readonly id: number
  readonly words: Array<string>
}

export class Clusters {
  private readonly buckets = new Map<string, Array<Group>>()
  private nextId = 0
  private total = 0

  constructor(private readonly maxGroups: number) {}

  /**
   * The group of a masked line, whether it is new, and whether it is remembered (past the caps,
   * a new group is used once and forgotten: its id is never seen again).
   */
  assign(masked: string): { readonly id: number; readonly isNew: boolean; readonly remembered: boolean } {
    const words = masked.split(/\s+/).filter(Boolean)
    const bucketKey = `${words.length} ${words[0] ?? ""}`
    let bucket = this.buckets.get(bucketKey)
    if (!bucket) {
      bucket = []
      if (this.total < this.maxGroups) this.buckets.set(bucketKey, bucket)
    }
    let best: Group | undefined
    let bestScore = -1
    for (const g of bucket) {
      let same = 0
      for (let i = 0; i < words.length; i++) if (g.words[i] === words[i] || g.words[i] === WILDCARD) same++
      const score = words.length === 0 ? 1 : same / words.length
      if (score > bestScore) [best, bestScore] = [g, score]
    }
    if (best && bestScore >= SIMILARITY) {
      for (let i = 0; i < words.length; i++) if (best.words[i] !== words[i]) best.words[i] = WILDCARD
      return { id: best.id, isNew: false, remembered: true }
    }
    const group = { id: this.nextId++, words }
    const remembered = bucket.length < GROUPS_PER_BUCKET && this.total < this.maxGroups
    if (remembered) {
      bucket.push(group)
      this.total++
    }
    return { id: group.id, isNew: true, remembered }
  }
}
