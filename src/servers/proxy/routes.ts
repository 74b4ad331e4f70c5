/**
 * Where a request goes, as data: the model calls the proxy compresses (by method and path, the
 * wire format each speaks), and for every other request the provider it belongs to — so
 * `/v1/models`, `count_tokens`, files and batches reach the right upstream untouched.
 *
 * @since 0.3.0
 */
import type { IncomingHttpHeaders } from "node:http"
import type { Provider } from "../../providers/conversation.ts"

/** The upstream services: one base URL each. */
export type Upstream = "openai" | "anthropic" | "gemini"

export const UPSTREAMS: ReadonlyArray<Upstream> = ["openai", "anthropic", "gemini"]

/** Each provider's public API; OpenAI's base includes its version, as its SDK's does. */
export const DEFAULT_UPSTREAMS: Record<Upstream, string> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
  gemini: "https://generativelanguage.googleapis.com"
}

/** A model call the proxy compresses. */
export interface ModelCall {
  readonly provider: Provider
  readonly upstream: Upstream
  /** Whether the path itself asks for a stream (Gemini); the others say `stream: true` in the body. */
  readonly streamPath: boolean
}

const CALLS: ReadonlyArray<readonly [RegExp, ModelCall]> = [
  [/^\/v1\/chat\/completions$/, { provider: "openai-chat", upstream: "openai", streamPath: false }],
  [/^\/v1\/responses$/, { provider: "openai-responses", upstream: "openai", streamPath: false }],
  [/^\/v1\/messages$/, { provider: "anthropic", upstream: "anthropic", streamPath: false }],
  [/^\/v1(?:beta|alpha)?\/models\/[^/:]+:generateContent$/, { provider: "gemini", upstream: "gemini", streamPath: false }],
  [/^\/v1(?:beta|alpha)?\/models\/[^/:]+:streamGenerateContent$/, { provider: "gemini", upstream: "gemini", streamPath: true }]
]

/** The path without its query string. */
export const pathOnly = (url: string): string => {
  const q = url.indexOf("?")
  return q === -1 ? url : url.slice(0, q)
}

/** The model call a request is, when it is one the proxy compresses. */
export const modelCallOf = (method: string, url: string): ModelCall | undefined => {
  if (method !== "POST") return undefined
  const path = pathOnly(url)
  return CALLS.find(([pattern]) => pattern.test(path))?.[1]
}

/**
 * The upstream of any request: a model call's own, else told by the path (Gemini's versions,
 * Anthropic's `/v1/messages/…`) and the auth headers each SDK sends.
 */
export const upstreamOf = (method: string, url: string, headers: IncomingHttpHeaders): Upstream => {
  const call = modelCallOf(method, url)
  if (call) return call.upstream
  const path = pathOnly(url)
  if (/^\/(?:v1beta|v1alpha|upload)\b/.test(path) || headers["x-goog-api-key"] !== undefined || /[?&]key=/.test(url)) return "gemini"
  if (path.startsWith("/v1/messages") || headers["x-api-key"] !== undefined || headers["anthropic-version"] !== undefined) return "anthropic"
  return "openai"
}

/**
 * The upstream URL of a request: the base, then the client's path and query. A base that ends
 * with the version the path starts with (OpenAI's `…/v1`) takes the path without it.
 */
export const targetOf = (base: string, url: string): URL => {
  const root = base.replace(/\/+$/, "")
  const version = /\/(v\d+(?:beta|alpha)?)$/.exec(root)?.[1]
  const rest = version !== undefined && url.startsWith(`/${version}/`) ? url.slice(version.length + 1) : url
  return new URL(root + rest)
}
