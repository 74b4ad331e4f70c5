/**
 * Cursor: an editor, no CLI to start. Its settings take an OpenAI base URL; the text below says what
 * to enter. Not tried here (no Cursor on the machines headroom is built on).
 */
import type { Agent } from "../agent.ts"

export const cursor: Agent = {
  name: "cursor",
  title: "Cursor",
  client: "cursor",
  install: "https://cursor.com/downloads",
  env: () => ({}),
  instructions: (proxy) =>
    [
      "Cursor has no command to wrap: point its OpenAI settings at a running proxy instead.",
      "",
      "  1. Keep the proxy running:  headroom proxy",
      "  2. In Cursor: Settings → Models → API Keys → OpenAI API Key: enter your key, and turn on",
      `     \"Override OpenAI Base URL\" with:  ${proxy}/v1`,
      "  3. Pick an OpenAI model in the chat and use Cursor as always; `headroom stats` shows the savings.",
      "",
      "Cursor may send these requests from its own servers rather than from this machine; if it cannot",
      "reach the address above, run the proxy where it can (`headroom proxy --host 0.0.0.0` with",
      "HEADROOM_PROXY_TOKEN set, behind HTTPS). Not tried: there is no Cursor where headroom is tested."
    ].join("\n")
}
