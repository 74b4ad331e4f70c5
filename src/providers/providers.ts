/**
 * The wire formats, each an adapter that reads a request body into a Conversation (the body
 * itself is written back by `writeAt`: adapters only translate, they never rebuild a body), and
 * which one a body or a messages array is.
 *
 * @since 0.2.0
 */
import * as Anthropic from "./anthropic.ts"
import { type Block, type Conversation, isObject, type Provider, textOf } from "./conversation.ts"
import * as Gemini from "./gemini.ts"
import * as OpenAIChat from "./openai-chat.ts"
import * as OpenAIResponses from "./openai-responses.ts"

const READERS: Record<Provider, (body: Record<string, any>) => Array<Block>> = {
  "anthropic": Anthropic.read,
  "openai-chat": OpenAIChat.read,
  "openai-responses": OpenAIResponses.read,
  "gemini": Gemini.read
}

/** The key of a body that holds its messages, by provider. */
export const MESSAGES_KEY: Record<Provider, string> = {
  "anthropic": "messages",
  "openai-chat": "messages",
  "openai-responses": "input",
  "gemini": "contents"
}

/** Which wire format a request body is in, from its shape; undefined when it is none of them. */
export const providerOf = (body: unknown): Provider | undefined => {
  if (!isObject(body)) return undefined
  if (Array.isArray(body.contents)) return "gemini"
  if (Array.isArray(body.input) || (typeof body.input === "string" && body.messages === undefined)) return "openai-responses"
  if (!Array.isArray(body.messages)) return undefined
  return Anthropic.looksLike(body) || (typeof body.model === "string" && body.model.startsWith("claude") && !openAIShaped(body.messages))
    ? "anthropic"
    : "openai-chat"
}

/** Messages only OpenAI's Chat Completions writes: tool roles, tool calls, typed content parts. */
const openAIShaped = (messages: ReadonlyArray<unknown>): boolean =>
  messages.some((m) => isObject(m) && (m.role === "tool" || m.role === "function" || m.role === "developer" || Array.isArray(m.tool_calls)))

/** Which wire format a bare messages array is in (Anthropic and OpenAI Chat look alike when plain). */
export const providerOfMessages = (messages: ReadonlyArray<unknown>): Provider => {
  const items = messages.filter(isObject)
  if (items.some((m) => Array.isArray(m.parts))) return "gemini"
  if (items.some((m) => typeof m.type === "string" && m.type !== "message") || items.some((m) => Array.isArray(m.content) && m.content.some((p: any) => isObject(p) && (p.type === "input_text" || p.type === "output_text")))) {
    return "openai-responses"
  }
  return providerOf({ messages }) ?? "openai-chat"
}

export const readConversation = (body: Record<string, any>, provider: Provider): Conversation => ({
  provider,
  blocks: READERS[provider](body),
  messages: Array.isArray(body[MESSAGES_KEY[provider]]) ? body[MESSAGES_KEY[provider]].length : 0
})

/**
 * The names of the tools a request declares, in any of the four formats: a function's name, or
 * the type of a built-in tool that has none (`local_shell`, `web_search_preview`).
 */
export const declaredTools = (body: Record<string, any>): Array<string> =>
  (Array.isArray(body.tools) ? body.tools : []).flatMap((t: any) =>
    Array.isArray(t?.functionDeclarations) ? t.functionDeclarations.map((f: any) => textOf(f?.name)) : [textOf(t?.name ?? t?.function?.name ?? t?.type)]
  )
