/**
 * What `headroom wrap` needs to know of one agent CLI, as data: how to find it, how to point it at
 * the proxy for one run (environment and flags only: no config file of the user's is edited), and
 * when it cannot be wrapped as the user runs it. One small file per agent under `agents/`.
 *
 * @since 0.4.0
 */
import type { Upstream } from "../proxy/routes.ts"

export type Env = Readonly<Record<string, string | undefined>>

export interface Agent {
  /** What the user types: `headroom wrap claude`. */
  readonly name: string
  /** Its own name, for messages. */
  readonly title: string
  /** The name the proxy's ledger gives its requests (from its user agent): its savings are totalled under it. */
  readonly client: string
  /** The command run; undefined for an agent with no CLI (its settings are printed instead). */
  readonly executable?: string
  /** How to install it, said when it is not on the PATH. */
  readonly install: string
  /**
   * The user's own endpoint for the agent's provider, when their environment names one: the proxy
   * forwards there instead of the provider's public API (a gateway, a self-hosted model).
   */
  readonly upstream?: (env: Env) => { readonly kind: Upstream; readonly url: string } | undefined
  /** Variables set for the agent, given the proxy's URL (`http://127.0.0.1:8787`). */
  readonly env: (proxy: string, env: Env) => Record<string, string>
  /** Arguments put before the user's own. */
  readonly args?: (proxy: string, env: Env) => ReadonlyArray<string>
  /** Why it cannot be wrapped as the user runs it, in a sentence that says what would work; undefined: it can. */
  readonly unsupported?: (env: Env) => string | undefined
  /** For an agent with no CLI: the settings to enter by hand. */
  readonly instructions?: (proxy: string) => string
}
