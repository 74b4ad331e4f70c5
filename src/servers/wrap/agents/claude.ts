/**
 * Claude Code: `ANTHROPIC_BASE_URL`. It sends `POST /v1/messages?beta=true`, streaming, with its
 * key as `x-api-key` (or `authorization: Bearer` for `ANTHROPIC_AUTH_TOKEN`). Behind a base URL of
 * its own it would load every MCP tool's schema up front unless tool search is on.
 */
import type { Agent } from "../agent.ts"

export const claude: Agent = {
  name: "claude",
  title: "Claude Code",
  client: "claude-code",
  executable: "claude",
  install: "npm install -g @anthropic-ai/claude-code",
  upstream: (env) => (env.ANTHROPIC_BASE_URL ? { kind: "anthropic", url: env.ANTHROPIC_BASE_URL } : undefined),
  env: (proxy, env) => ({ ANTHROPIC_BASE_URL: proxy, ENABLE_TOOL_SEARCH: env.ENABLE_TOOL_SEARCH ?? "true" })
}
