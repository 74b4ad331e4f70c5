/**
 * `headroom wrap` end to end with the real agent CLIs (test/agents, installed by `.ci/run` with
 * `npm ci --prefix test/agents`): each runs behind a proxy wrap starts, against a scripted model
 * that asks for a shell command printing a real log (Apache's, a few hundred lines), then for the
 * `headroom ccr-get` its marker names, then answers. The model must get the log compressed with a
 * marker, the agent's shell must get the hidden lines back through the `headroom` on its PATH, and
 * the agent must print the answer and exit 0. Each agent has a throw-away HOME; all share one
 * HEADROOM_HOME, whose ledger `headroom stats` totals at the end.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it, onTestFinished } from "vitest"
import { BIN, CORPUS, freePort, headroom, removeHome, ROOT, runCommand, tempHome } from "./helpers.ts"
import { answer, type Provider, type Received, startUpstream, textReply, toolCallReply, type Upstream } from "./upstream.ts"

const AGENTS_BIN = join(ROOT, "test", "agents", "node_modules", ".bin")
const installed = (name: string) => existsSync(join(AGENTS_BIN, name))
const SKIP_ALL = !existsSync(AGENTS_BIN) && process.env.HEADROOM_REQUIRE_TOOLS !== "1"
const title = (name: string, text: string) =>
  !installed(name) && process.env.HEADROOM_REQUIRE_TOOLS !== "1" ? `${text} (skipped: ${name} is not installed; npm ci --prefix test/agents)` : text

const LOG_LINES = readFileSync(join(CORPUS, "logs", "Apache_2k.log"), "utf8").split("\n")
const ANSWER = "The log shows mod_jk errors: workers in error state."

const shared = tempHome()
const HEADROOM_HOME = join(shared, "headroom")
afterAll(() => removeHome(shared))

/** A tool result as the model got it: its text (the strings in it, when it is structured), from any of the four formats. */
const resultsOf = (provider: Provider, json: any): Array<string> => {
  const text = (v: unknown): string =>
    typeof v === "string" ? v : Array.isArray(v) ? v.map(text).join("\n") : v !== null && typeof v === "object" ? Object.values(v).map(text).join("\n") : ""
  switch (provider) {
    case "anthropic":
      return (json.messages ?? []).flatMap((m: any) => (Array.isArray(m.content) ? m.content.filter((b: any) => b.type === "tool_result").map((b: any) => text(b.content)) : []))
    case "openai-responses":
      return (json.input ?? []).filter((i: any) => i.type === "function_call_output" || i.type === "custom_tool_call_output").map((i: any) => text(i.output))
    case "openai-chat":
      return (json.messages ?? []).filter((m: any) => m.role === "tool").map((m: any) => text(m.content))
    case "gemini":
      return (json.contents ?? []).flatMap((c: any) => (c.parts ?? []).filter((p: any) => p.functionResponse).map((p: any) => text(p.functionResponse.response)))
  }
}

/** The names of the tools a request declares. */
const toolsOf = (provider: Provider, json: any): Array<string> =>
  provider === "gemini"
    ? (json.tools ?? []).flatMap((t: any) => (t.functionDeclarations ?? []).map((f: any) => f.name))
    : (json.tools ?? []).map((t: any) => t.name ?? t.function?.name)

interface Case {
  readonly agent: string
  readonly executable: string
  readonly provider: Provider
  /** The shell tool the agent declares, and its arguments for a command. */
  readonly shell: string
  readonly command: (cmd: string) => Record<string, unknown>
  readonly lines: number
  /** Arguments for the agent after `--`, given the prompt. */
  readonly args: (prompt: string) => ReadonlyArray<string>
  /** The agent's environment: key and endpoint (the scripted upstream: wrap puts the proxy before it). */
  readonly env: (upstream: string) => Record<string, string>
  /** Config files the user has, written before the run, which must be byte-identical after. */
  readonly configs: Record<string, string>
}

const CASES: ReadonlyArray<Case> = [
  {
    agent: "claude",
    executable: "claude",
    provider: "anthropic",
    shell: "Bash",
    command: (command) => ({ command, description: "Run it" }),
    lines: 300,
    args: (prompt) => ["-p", prompt, "--allowedTools", "Bash"],
    env: (upstream) => ({
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: upstream,
      DISABLE_TELEMETRY: "1",
      DISABLE_AUTOUPDATER: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"
    }),
    configs: { ".claude/settings.json": "{\n    \"permissions\" : { \"allow\": [ \"Bash(ls:*)\" ] },\n\n  \"env\": {}\n}\n" }
  },
  {
    agent: "codex",
    executable: "codex",
    provider: "openai-responses",
    shell: "exec_command",
    command: (cmd) => ({ cmd }),
    lines: 300,
    args: (prompt) => ["exec", "--skip-git-repo-check", "-s", "danger-full-access", "-m", "gpt-5.1-codex", prompt],
    env: (upstream) => ({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${upstream}/v1` }),
    configs: {
      ".codex/config.toml": "# my settings\nmodel = \"gpt-5.1-codex\"   # the one I like\n\n[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"docs-mcp\"]\n"
    }
  },
  {
    agent: "gemini",
    executable: "gemini",
    provider: "gemini",
    shell: "run_shell_command",
    command: (command) => ({ command }),
    lines: 300,
    args: (prompt) => ["-m", "gemini-2.5-flash", "--yolo", "-p", prompt],
    env: (upstream) => ({ GEMINI_API_KEY: "gm-test", GOOGLE_GEMINI_BASE_URL: upstream, GEMINI_CLI_TRUST_WORKSPACE: "true" }),
    configs: { ".gemini/settings.json": "{\n  // chosen once\n  \"security\": {\"auth\": {\"selectedType\": \"gemini-api-key\"}},\n  \"ui\": { \"theme\": \"ANSI\" }\n}\n" }
  },
  {
    agent: "copilot",
    executable: "copilot",
    provider: "openai-chat",
    shell: "bash",
    command: (command) => ({ command, description: "Run it" }),
    lines: 200,
    args: (prompt) => ["-p", prompt, "--allow-all"],
    env: (upstream) => ({
      COPILOT_OFFLINE: "true",
      COPILOT_PROVIDER_BASE_URL: `${upstream}/v1`,
      COPILOT_PROVIDER_TYPE: "openai",
      COPILOT_PROVIDER_WIRE_API: "completions",
      COPILOT_PROVIDER_API_KEY: "sk-test",
      COPILOT_MODEL: "gpt-4o",
      COPILOT_AUTO_UPDATE: "false"
    }),
    configs: {}
  }
]

/** `headroom args…` in a directory, with the environment given (whole: the agent's HOME and keys). */
const run = (args: ReadonlyArray<string>, env: Record<string, string>, cwd: string) => runCommand(process.execPath, [BIN, ...args], { env, cwd, timeoutMs: 150_000 })

/**
 * The scripted model of one case: asks for `first` (a command printing the log), then for the
 * `headroom ccr-get` the marker in that result names, then answers. What it got is kept.
 */
const script = (up: Upstream, c: Case, first: string, onFirstCall?: () => void) => {
  const got: { first?: string; second?: string; hash?: string | undefined } = {}
  up.handler = (req: Received) => {
    const json = req.json as any
    if (req.method !== "POST" || json === undefined) return answer(req)
    const stream = c.provider === "gemini" ? /:streamGenerateContent/.test(req.path) : json.stream === true
    if (!toolsOf(c.provider, json).includes(c.shell)) return answer(req)
    const results = resultsOf(c.provider, json)
    if (results.length === 0) {
      onFirstCall?.()
      return toolCallReply(c.provider, { id: "call_1", name: c.shell, args: c.command(first) }, { stream })
    }
    if (results.length === 1) {
      got.first = results[0]!
      got.hash = /headroom ccr-get ([0-9a-f]{12})/.exec(got.first)?.[1]
      return toolCallReply(c.provider, { id: "call_2", name: c.shell, args: c.command(`headroom ccr-get ${got.hash ?? "none"}`) }, { stream })
    }
    got.second = results[1]!
    return textReply(c.provider, ANSWER, { stream, includeUsage: true })
  }
  return got
}

describe.skipIf(SKIP_ALL)("headroom wrap with the real agent CLIs", () => {
  for (const c of CASES) {
    it.skipIf(!installed(c.executable) && process.env.HEADROOM_REQUIRE_TOOLS !== "1")(
      title(c.executable, `wrap ${c.agent}: the log reaches the model compressed, ccr-get in its shell brings the hidden lines back, the answer is printed, exit 0; config files untouched by wrap and unwrap`),
      async () => {
        const up = await startUpstream()
        onTestFinished(() => up.close())
        const home = join(shared, c.agent)
        const work = join(home, "work")
        mkdirSync(work, { recursive: true })
        for (const [path, text] of Object.entries(c.configs)) {
          mkdirSync(join(home, path, ".."), { recursive: true })
          writeFileSync(join(home, path), text)
        }
        const before = Object.fromEntries(Object.keys(c.configs).map((p) => [p, readFileSync(join(home, p))]))
        const log = join(work, "access.log")
        const text = LOG_LINES.slice(0, c.lines).join("\n") + "\n"
        writeFileSync(log, text)
        const got = script(up, c, `cat ${log}`)
        const env = {
          ...process.env as Record<string, string>,
          HOME: home,
          HEADROOM_HOME,
          PATH: `${AGENTS_BIN}:${process.env.PATH}`,
          ...c.env(up.url)
        }
        const result = await run(["wrap", c.agent, "--port", String(await freePort()), "--", ...c.args("What is wrong in access.log?")], env, work)
        expect(result.stdout, result.stderr).toContain(ANSWER)
        expect(result.code, result.stderr).toBe(0)

        // The model got the log smaller, with a marker naming a hash.
        expect(got.first).toBeDefined()
        expect(got.first!.length).toBeLessThan(text.length * 0.6)
        expect(got.hash, got.first).toMatch(/^[0-9a-f]{12}$/)
        // The agent's shell ran `headroom ccr-get HASH`: what came back are lines of the log the
        // model had not seen.
        const back = got.second!
        const hidden = LOG_LINES.slice(0, c.lines).map((line) => line.trimEnd()).filter((line) => line !== "" && !got.first!.includes(line) && back.includes(line))
        expect(hidden.length, got.second).toBeGreaterThan(0)

        // Nothing of the user's configuration changed, and unwrap has nothing to restore.
        const unwrap = await run(["unwrap", c.agent], env, work)
        expect(unwrap.code).toBe(0)
        expect(unwrap.stdout).toMatch(/^Nothing to undo/)
        for (const [path, bytes] of Object.entries(before)) expect(readFileSync(join(home, path)).equals(bytes), path).toBe(true)
      },
      180_000
    )
  }

  it.skipIf(!installed("claude") && process.env.HEADROOM_REQUIRE_TOOLS !== "1")(
    title("claude", "the proxy killed mid-session: wrap starts it again on the same port and the agent's next request goes through"),
    async () => {
      const c = CASES[0]!
      const up = await startUpstream()
      onTestFinished(() => up.close())
      const home = join(shared, "claude-kill")
      const work = join(home, "work")
      mkdirSync(work, { recursive: true })
      const log = join(work, "access.log")
      writeFileSync(log, LOG_LINES.slice(0, 300).join("\n") + "\n")
      const port = await freePort()
      let killed: number | undefined
      // While the agent's shell sleeps, the proxy is killed (SIGKILL: no chance to finish).
      const got = script(up, c, `sleep 3 && cat ${log}`, () => {
        setTimeout(async () => {
          const health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json() as Promise<{ pid: number }>)
          killed = health.pid
          process.kill(health.pid, "SIGKILL")
        }, 500)
      })
      const env = { ...process.env as Record<string, string>, HOME: home, HEADROOM_HOME, PATH: `${AGENTS_BIN}:${process.env.PATH}`, ...c.env(up.url) }
      const result = await run(["wrap", "claude", "--port", String(port), "--", ...c.args("What is wrong in access.log?")], env, work)
      expect(killed).toBeDefined()
      expect(result.stderr).toContain(`the proxy on port ${port} stopped; started it again`)
      expect(result.stdout, result.stderr).toContain(ANSWER)
      expect(result.code).toBe(0)
      // The request after the kill went through a new proxy, which compressed it too.
      expect(got.hash).toMatch(/^[0-9a-f]{12}$/)
    },
    180_000
  )

  it("headroom stats shows each wrapped agent with its savings", async () => {
    const r = await headroom(["stats", "--json"], { home: HEADROOM_HOME })
    expect(r.code).toBe(0)
    const stats = JSON.parse(r.stdout.toString("utf8")) as { clients: Array<{ client: string; tokensBefore: number; tokensAfter: number; requests: number }> }
    const clients = new Map(stats.clients.map((x) => [x.client, x]))
    console.log(stats.clients.map((x) => `${x.client}: ${x.requests} model calls, tokens ${x.tokensBefore} → ${x.tokensAfter}`).join("\n"))
    for (const [agent, client] of [["claude", "claude-code"], ["codex", "codex"], ["gemini", "gemini-cli"], ["copilot", "copilot-cli"]] as const) {
      if (!installed(agent) && process.env.HEADROOM_REQUIRE_TOOLS !== "1") continue
      const mine = clients.get(client)
      expect(mine, `${client} in ${[...clients.keys()].join(", ")}`).toBeDefined()
      expect(mine!.tokensBefore, JSON.stringify(stats.clients)).toBeGreaterThan(mine!.tokensAfter)
    }
  })
})
