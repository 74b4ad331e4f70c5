/**
 * `headroom_retrieve`, the tool the proxy offers a client that has no way of its own to read left-out
 * lines back (no shell, no file reader: an app on an SDK). It is offered on every request of such a
 * client, from the first — whether or not anything was left out yet — so the tool list never
 * changes mid-conversation and the provider's cache holds; the proxy answers the model's calls
 * itself from the store, and the client never sees them.
 *
 * @since 0.3.0
 */
import { Effect } from "effect"
import type { Store } from "../../../core/store.ts"
import { DEFAULT_RULES, ruleFor, type ToolRule } from "../../../pipeline/rules.ts"
import type { Provider } from "../../../providers/conversation.ts"
import { declaredTools, MESSAGES_KEY } from "../../../providers/providers.ts"
import { InvalidArgument } from "../../../core/errors.ts"
import { retrieve, type RetrieveError } from "../../../stages/ccr-get.ts"

export const RETRIEVE_TOOL = "headroom_retrieve"

export const RETRIEVE_DESCRIPTION =
  "Get back text that was left out of a tool result. A marker such as " +
  "[40 lines not shown · headroom_retrieve hash=9f2c1ab3e4d5] stands where it was; call this with its hash, " +
  "and lines (\"120-159\", lines of the original) or a query (words to find) to get only part of it."

/** The arguments, as JSON Schema (each format wraps it in its own tool definition). */
export const RETRIEVE_PARAMETERS = {
  type: "object",
  properties: {
    hash: { type: "string", description: "the hash the marker names" },
    lines: { type: "string", description: "a range of lines of the original, A-B" },
    query: { type: "string", description: "words to find in the original; only what matches comes back" }
  },
  required: ["hash"]
} as const

/** Tools that let a client read lines back itself, besides those the rules call shell or read. */
const OWN_READERS = new Set(["shell", "bash", "terminal", "exec", "execute", "read", "view", "viewer", "cat", "editor"])

/**
 * Whether a tool's name says it reads files or runs commands: one of its words does (`read_file`,
 * `runShell`; not `thread_reply`), or it is Anthropic's text editor (`str_replace_based_edit_tool`).
 */
const ownReader = (name: string): boolean =>
  /str_replace/i.test(name) || name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).some((word) => OWN_READERS.has(word.toLowerCase()))

/**
 * Whether the proxy offers `headroom_retrieve` on a request: it declares tools (so it can get tool
 * results to compress), none of them a shell or a file reader, and not the tool itself. A body whose
 * conversation is no list of messages (the upstream will refuse it) goes as it came.
 */
export const offersRetrieve = (body: unknown, provider: Provider, rules: ReadonlyArray<ToolRule> = DEFAULT_RULES): boolean => {
  if (body === null || typeof body !== "object") return false
  const conversation = (body as Record<string, unknown>)[MESSAGES_KEY[provider]]
  const listed = Array.isArray(conversation) && conversation.every((m) => m !== null && typeof m === "object" && !Array.isArray(m))
  if (!listed && !(provider === "openai-responses" && typeof conversation === "string")) return false
  const names = declaredTools(body as Record<string, unknown>).filter((n) => n !== "")
  if (names.length === 0 || names.includes(RETRIEVE_TOOL)) return false
  return names.every((name) => {
    const kind = ruleFor(name, rules)?.kind
    return kind !== "shell" && kind !== "read" && !ownReader(name)
  })
}

/** A call the model made to the tool. */
export interface RetrieveCall {
  readonly id: string
  readonly args: { readonly hash?: unknown; readonly lines?: unknown; readonly query?: unknown }
}

/** The most a retrieval gives back, in characters: a huge original comes back in parts, by lines. */
const MAX_CHARS = 200_000

/**
 * The text a retrieval gives: the original (or its lines, or what matches), or the error that says
 * why not. The MCP server's headroom_retrieve turns the error into a tool error.
 */
export const retrievedText = (args: RetrieveCall["args"]): Effect.Effect<string, RetrieveError, Store> =>
  Effect.gen(function*() {
    const { hash, lines, query } = args
    if (typeof hash !== "string" || hash === "") {
      return yield* new InvalidArgument({ name: "hash", value: String(hash ?? ""), expected: 'the hash a marker names, e.g. {"hash": "9f2c1ab3e4d5"}' })
    }
    const got = yield* retrieve(hash, {
      lines: typeof lines === "string" && lines !== "" ? lines : undefined,
      query: typeof query === "string" && query !== "" && !(typeof lines === "string" && lines !== "") ? query : undefined
    })
    if (got.matches !== undefined) {
      return got.matches.length === 0 ? `nothing in ${got.key} matches ${JSON.stringify(query)}` : got.matches.map((m) => `${m.at}: ${m.text}`).join("\n")
    }
    const text = Buffer.from(got.output ?? new Uint8Array()).toString("utf8")
    if (text.length <= MAX_CHARS) return text
    return `${text.slice(0, MAX_CHARS)}\n[… ${text.length - MAX_CHARS} more characters: ask for lines=A-B to read on]`
  })

/** The text that answers one call the model made to the proxy's tool: what it asked for, or why not. */
export const answerCall = (call: RetrieveCall): Effect.Effect<string, never, Store> =>
  typeof call.args.hash !== "string" || call.args.hash === ""
    ? Effect.succeed(`${RETRIEVE_TOOL}: give the hash a marker names, e.g. {"hash": "9f2c1ab3e4d5"}`)
    : retrievedText(call.args).pipe(Effect.catch((e) => Effect.succeed(`${RETRIEVE_TOOL}: ${e.message}`)))
