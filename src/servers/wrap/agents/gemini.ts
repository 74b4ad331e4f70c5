/**
 * Gemini CLI: `GOOGLE_GEMINI_BASE_URL`, with an API key (signed in with Google it talks to Code
 * Assist instead, which ignores the base URL). It makes a JSON-mode routing call
 * (`:generateContent`), then streams (`:streamGenerateContent?alt=sse`).
 */
import type { Agent } from "../agent.ts"

export const gemini: Agent = {
  name: "gemini",
  title: "Gemini CLI",
  client: "gemini-cli",
  executable: "gemini",
  install: "npm install -g @google/gemini-cli",
  upstream: (env) => (env.GOOGLE_GEMINI_BASE_URL ? { kind: "gemini", url: env.GOOGLE_GEMINI_BASE_URL } : undefined),
  env: (proxy, env) => ({ GOOGLE_GEMINI_BASE_URL: proxy, GEMINI_DEFAULT_AUTH_TYPE: env.GEMINI_DEFAULT_AUTH_TYPE ?? "gemini-api-key" }),
  unsupported: (env) =>
    env.GEMINI_API_KEY || env.GOOGLE_API_KEY
      ? undefined
      : "Gemini CLI signed in with Google talks to Code Assist, which ignores a base URL; set GEMINI_API_KEY to wrap it with an API key"
}
