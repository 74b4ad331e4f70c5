/**
 * Copilot CLI: only with the user's own provider (`COPILOT_PROVIDER_BASE_URL`, `_TYPE`, `_API_KEY`):
 * signed in to GitHub it talks to GitHub's Copilot service. Its base URL is swapped for the
 * proxy's, which forwards to the user's.
 */
import type { Agent, Env } from "../agent.ts"

const isAnthropic = (env: Env) => env.COPILOT_PROVIDER_TYPE === "anthropic"

export const copilot: Agent = {
  name: "copilot",
  title: "Copilot CLI",
  client: "copilot-cli",
  executable: "copilot",
  install: "npm install -g @github/copilot",
  upstream: (env) => (env.COPILOT_PROVIDER_BASE_URL ? { kind: isAnthropic(env) ? "anthropic" : "openai", url: env.COPILOT_PROVIDER_BASE_URL } : undefined),
  env: (proxy, env) => ({ COPILOT_PROVIDER_BASE_URL: isAnthropic(env) ? proxy : `${proxy}/v1` }),
  unsupported: (env) =>
    env.COPILOT_PROVIDER_BASE_URL
      ? undefined
      : "Copilot CLI signed in to GitHub talks to GitHub's Copilot service, which headroom cannot stand in front of; " +
        "wrap works when it uses your own provider: set COPILOT_PROVIDER_BASE_URL (e.g. https://api.openai.com/v1), " +
        "COPILOT_PROVIDER_TYPE (openai or anthropic), COPILOT_PROVIDER_API_KEY and COPILOT_MODEL"
}
