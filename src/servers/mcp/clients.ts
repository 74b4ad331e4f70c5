/**
 * Where each MCP client keeps its servers, as data: the file for a scope, its format, and the
 * entry headroom adds. Found in each client's documentation; Claude Code's is also run in a test.
 *
 * @since 0.4.0
 */
import { join } from "node:path"

export type Scope = "user" | "project"

export interface McpClient {
  readonly name: string
  readonly title: string
  /** The config file for a scope (home: the user's home; cwd: the project), or undefined when the client has none for it. */
  readonly file: (scope: Scope, home: string, cwd: string) => string | undefined
  readonly format: "json" | "toml"
  /** The server's entry under `mcpServers` (JSON) or `[mcp_servers.headroom]` (TOML). */
  readonly entry: (command: string, args: ReadonlyArray<string>) => Record<string, unknown>
}

const plain = (command: string, args: ReadonlyArray<string>) => ({ command, args: [...args] })

export const CLIENTS: ReadonlyArray<McpClient> = [
  {
    name: "claude",
    title: "Claude Code",
    file: (scope, home, cwd) => (scope === "project" ? join(cwd, ".mcp.json") : join(home, ".claude.json")),
    format: "json",
    entry: (command, args) => ({ type: "stdio", ...plain(command, args) })
  },
  {
    name: "codex",
    title: "Codex",
    file: (scope, home, cwd) => (scope === "project" ? join(cwd, ".codex", "config.toml") : join(home, ".codex", "config.toml")),
    format: "toml",
    entry: plain
  },
  {
    name: "gemini",
    title: "Gemini CLI",
    file: (scope, home, cwd) => join(scope === "project" ? cwd : home, ".gemini", "settings.json"),
    format: "json",
    entry: plain
  },
  {
    name: "cursor",
    title: "Cursor",
    file: (scope, home, cwd) => join(scope === "project" ? cwd : home, ".cursor", "mcp.json"),
    format: "json",
    entry: plain
  },
  {
    name: "copilot",
    title: "Copilot CLI",
    file: (scope, home) => (scope === "user" ? join(home, ".copilot", "mcp-config.json") : undefined),
    format: "json",
    entry: (command, args) => ({ type: "local", ...plain(command, args), tools: ["*"] })
  }
]

export const clientNamed = (name: string): McpClient | undefined => CLIENTS.find((c) => c.name === name)
