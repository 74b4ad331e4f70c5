/**
 * Where the conversation is looking when a tool's result arrives: the names (identifiers, file
 * stems, capitalised module names) in the call's own arguments, in what the model said and
 * thought just before the call, and in the person's latest request. The code stage keeps whole
 * the bodies that mention one of them, since that is where the model is about to read or edit.
 * Only what came before a block is read, so its compressed form depends on the conversation up
 * to it and on nothing later (cache-safe).
 *
 * @since 0.2.0
 */

/** Words that look like names but say nothing about where to look. */
const COMMON = new Set(
  ("this that with from have what when where which will would could should there their then than them they into only also just like " +
    "file files line lines code function functions method methods class module test tests todo note need make sure using used " +
    "true false null none self return value values string number error errors result results data type types name names " +
    "http https json html index main else elif case each some more most very here read write edit bash grep glob").split(" ")
)

/** A word that names something in code: snake_case, camelCase, CapitalisedName, or part of a dotted or slashed path. */
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:(?:\.|::|\/|#)[A-Za-z_][A-Za-z0-9_]*)*/g

const isName = (word: string): boolean => /_|[a-z][A-Z]|^[A-Z][a-z]+[A-Z]|[.:/#]/.test(word)

/** The names in a text, each at least four characters, most specific parts of dotted paths included. */
export const namesIn = (text: string): Array<string> => {
  const out: Array<string> = []
  for (const m of text.matchAll(WORD)) {
    const word = m[0]
    const backticked = text[m.index - 1] === "`"
    if (!isName(word) && !backticked) continue
    for (const part of word.split(/\.|::|\/|#/)) {
      const stem = part.replace(/^_+|_+$/g, "")
      if (stem.length >= 4 && !COMMON.has(stem.toLowerCase())) out.push(stem)
    }
  }
  return out
}

/** A call's arguments without the ones that name files. */
const withoutPaths = (args: unknown): unknown =>
  args !== null && typeof args === "object" && !Array.isArray(args)
    ? Object.fromEntries(Object.entries(args).filter(([key]) => !/path|file|dir/i.test(key)))
    : args

/** The longest a person's message may be to set the focus (a long one is a summary or a paste). */
const REQUEST_CHARS = 2000
/** How many of the model's latest messages set the focus. */
const RECENT_MESSAGES = 2
/** Names kept at most, the most recent first. */
const MAX_NAMES = 40

/**
 * The focus, built as the conversation is read in order: `said` takes what the model said or
 * thought, `asked` what the person asked, `turn` marks a new message of the model; `names(args)`
 * gives the focus for a call with these arguments.
 */
export class Focus {
  private request: Array<string> = []
  private recent: Array<Array<string>> = []
  private notes: Array<string> = []

  asked(text: string): void {
    if (text.length <= REQUEST_CHARS) this.request = namesIn(text)
  }

  turn(): void {
    this.recent.push([])
    if (this.recent.length > RECENT_MESSAGES) this.recent.shift()
  }

  said(text: string): void {
    if (this.recent.length === 0) this.turn()
    this.recent[this.recent.length - 1]!.push(...namesIn(text))
  }

  /** A tool result that describes the work (an issue, a plan, a failing test): its names are where to look next. */
  noted(text: string): void {
    this.notes = [...new Set([...namesIn(text), ...this.notes])].slice(0, MAX_NAMES)
  }

  /**
   * The names for a result of a call with these arguments (their own names first). A path the
   * call reads is not a focus: every line of that file is about it.
   */
  names(args: unknown): Array<string> {
    const own = args === undefined ? [] : namesIn(typeof args === "string" ? args : JSON.stringify(withoutPaths(args)))
    const all = [...own, ...this.recent.flat().reverse(), ...this.request, ...this.notes]
    return [...new Set(all)].slice(0, 2 * MAX_NAMES)
  }
}
