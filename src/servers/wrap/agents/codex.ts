/**
 * Codex: its default provider ignores `OPENAI_BASE_URL`, so the run gets a provider of its own by
 * `-c` flags (the user's config.toml is left alone). Responses over HTTP: with websockets allowed
 * it first tries `GET /v1/responses` upgrades and falls back only after seconds. Commands run in a
 * shell that keeps the PATH wrap gives (see below).
 */
import type { Agent } from "../agent.ts"

export const codex: Agent = {
  name: "codex",
  title: "Codex",
  client: "codex",
  executable: "codex",
  install: "npm install -g @openai/codex",
  upstream: (env) => (env.OPENAI_BASE_URL ? { kind: "openai", url: env.OPENAI_BASE_URL } : undefined),
  env: () => ({}),
  args: (proxy) => [
    "-c",
    `model_providers.headroom={name="headroom",base_url="${proxy}/v1",env_key="OPENAI_API_KEY",wire_api="responses",supports_websockets=false}`,
    "-c",
    "model_provider=headroom",
    // A login shell starts from /etc/profile's PATH, without the headroom the markers call: the
    // commands run with the environment Codex was started with (the user's, plus headroom).
    "-c",
    "allow_login_shell=false"
  ],
  unsupported: (env) =>
    env.OPENAI_API_KEY
      ? undefined
      : "Codex signed in with ChatGPT talks to ChatGPT's own backend, which headroom cannot stand in front of; set OPENAI_API_KEY to wrap it with an API key"
}
