/**
 * Aider: `OPENAI_API_BASE` and `ANTHROPIC_BASE_URL`, as its documentation gives them. It is a Python
 * program, not installable where headroom is tested: the environment it gets is tested, not a run.
 */
import type { Agent } from "../agent.ts"

export const aider: Agent = {
  name: "aider",
  title: "Aider",
  client: "aider",
  executable: "aider",
  install: "python -m pip install aider-install && aider-install",
  upstream: (env) => (env.OPENAI_API_BASE ? { kind: "openai", url: env.OPENAI_API_BASE } : undefined),
  env: (proxy) => ({ OPENAI_API_BASE: `${proxy}/v1`, ANTHROPIC_BASE_URL: proxy })
}
