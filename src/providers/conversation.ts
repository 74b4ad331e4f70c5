/**
 * One conversation model for the four wire formats (Anthropic Messages, OpenAI Chat Completions,
 * OpenAI Responses, Gemini generateContent). It is a view, not a copy: the request body stays the
 * wire JSON, and the Conversation lists, in order, the blocks the pipeline reads — texts, tool calls
 * and tool results — each with the path of its text in the body. What the pipeline changes is
 * written back at those paths, and nothing else in the body is touched: unknown fields, roles and
 * block types, thinking and signed blocks pass through as they came, byte for byte once serialised.
 *
 * @since 0.2.0
 */

export type Provider = "anthropic" | "openai-chat" | "openai-responses" | "gemini"

export const PROVIDERS: ReadonlyArray<Provider> = ["anthropic", "openai-chat", "openai-responses", "gemini"]

/** Where a string sits in a request body: object keys and array indexes from the root. */
export type Path = ReadonlyArray<string | number>

/** Who wrote a text: the person (`user`), the model (`assistant`), or the client (`system`, `developer`). */
export type Role = "system" | "developer" | "user" | "assistant"

export type Block =
  /** A text of a message, at `path` (a string in the body). */
  | { readonly kind: "text"; readonly role: Role; readonly text: string; readonly path: Path }
  /** The model's call of a tool; `args` as given (an object, or a string of JSON). */
  | { readonly kind: "tool-call"; readonly id: string | undefined; readonly name: string; readonly args: unknown; readonly path: Path }
  /** A tool's result (or one text part of it), at `path`, answering the call `callId`. */
  | {
    readonly kind: "tool-result"
    readonly callId: string | undefined
    /** The tool's name when the wire says it (Gemini), else found from the call. */
    readonly name: string | undefined
    readonly text: string
    readonly path: Path
  }
  /** Anything else (thinking, images, documents, unknown blocks): passed through untouched, but for inline images (images.ts). */
  | { readonly kind: "other"; readonly path: Path; readonly type: string }

export interface Conversation {
  readonly provider: Provider
  /** Every block, in the order the model reads them: system prompt first, then the messages. */
  readonly blocks: ReadonlyArray<Block>
  /** How many messages (or items, or contents) the body has: turns are counted in these. */
  readonly messages: number
}

/**
 * A change to the body: a text put at a path, or the element at a path of an array replaced by
 * `blocks` (an image by the smaller image and a note after it).
 */
export type Replacement =
  | { readonly path: Path; readonly text: string }
  | { readonly path: Path; readonly blocks: ReadonlyArray<unknown> }

/**
 * A name or type from the wire as text: a string as it is, a number or boolean printed, anything
 * else empty. (`String` throws on an object whose `toString` is not a function, which JSON can hold.)
 */
export const textOf = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "")

/** A JSON object (not an array, not null): what the adapters look into. */
export const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v)

/** The value at a path, or undefined. */
export const valueAt = (root: unknown, path: Path): unknown => {
  let at: unknown = root
  for (const step of path) {
    if (typeof step === "number" ? !Array.isArray(at) : !isObject(at)) return undefined
    at = (at as Record<string | number, unknown>)[step]
  }
  return at
}

/**
 * The body with each replacement written at its path: every object and array on the way is
 * copied (the input is never mutated), everything else is shared as it was.
 */
export const writeAt = <A>(root: A, replacements: ReadonlyArray<Replacement>): A => {
  if (replacements.length === 0) return root
  const copies = new Map<unknown, unknown>()
  const copyOf = (value: unknown): Record<string | number, unknown> => {
    let copy = copies.get(value)
    if (copy === undefined) {
      copy = Array.isArray(value) ? [...value] : { ...(value as object) }
      copies.set(value, copy)
      copies.set(copy, copy)
    }
    return copy as Record<string | number, unknown>
  }
  const out = copyOf(root)
  const parentOf = (path: Path) => {
    let parent = out
    for (let i = 0; i < path.length - 1; i++) {
      const child = copyOf(parent[path[i]!])
      parent[path[i]!] = child
      parent = child
    }
    return parent
  }
  for (const r of replacements) if ("text" in r && r.path.length > 0) parentOf(r.path)[r.path[r.path.length - 1]!] = r.text
  // Elements replaced by several, after the texts (whose paths count elements as they were), the
  // last of an array first (so the indexes of those before it still hold).
  const splices = replacements.filter((r): r is Extract<Replacement, { blocks: unknown }> => "blocks" in r && typeof r.path[r.path.length - 1] === "number")
  splices.sort((a, b) => comparePaths(b.path, a.path))
  for (const { path, blocks } of splices) {
    const parent = parentOf(path)
    if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1, ...blocks)
  }
  return out as A
}

/** Paths in document order. */
const comparePaths = (a: Path, b: Path): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!
    const y = b[i]!
    if (x !== y) return typeof x === "number" && typeof y === "number" ? x - y : String(x) < String(y) ? -1 : 1
  }
  return a.length - b.length
}
