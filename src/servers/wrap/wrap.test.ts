/**
 * `headroom wrap` without the real agents (those are in test/wrap.e2e.test.ts): the descriptors'
 * environment and flags, the refusals that say what would work, Aider's environment (a stand-in
 * program in its place, since Aider itself cannot be installed here), Cursor's settings text, the
 * exit status passed through, a port held by something else, and unwrap.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { describe, expect, it, onTestFinished } from "vitest"
import { headroom, removeHome, tempHome } from "../../../test/helpers.ts"
import { DEFAULT_TEXT, startUpstream } from "../../../test/upstream.ts"
import { AGENTS, agentNamed } from "./agents/index.ts"
import { agentEnv, which } from "./wrap.ts"

const PROXY = "http://127.0.0.1:8787"

describe("the agents' descriptors", () => {
  it("point each agent at the proxy the way it reads a base URL", () => {
    const env = { PATH: "/usr/bin", OPENAI_API_KEY: "k", GEMINI_API_KEY: "k", COPILOT_PROVIDER_BASE_URL: "https://api.openai.com/v1" }
    expect(agentEnv(agentNamed("claude")!, PROXY, env, "/opt/headroom/bin")).toMatchObject({
      ANTHROPIC_BASE_URL: PROXY,
      ENABLE_TOOL_SEARCH: "true",
      PATH: "/opt/headroom/bin:/usr/bin"
    })
    expect(agentEnv(agentNamed("gemini")!, PROXY, env, "/b")).toMatchObject({ GOOGLE_GEMINI_BASE_URL: PROXY, GEMINI_DEFAULT_AUTH_TYPE: "gemini-api-key" })
    expect(agentEnv(agentNamed("copilot")!, PROXY, env, "/b")).toMatchObject({ COPILOT_PROVIDER_BASE_URL: `${PROXY}/v1` })
    expect(agentEnv(agentNamed("copilot")!, PROXY, { ...env, COPILOT_PROVIDER_TYPE: "anthropic" }, "/b")).toMatchObject({ COPILOT_PROVIDER_BASE_URL: PROXY })
    expect(agentEnv(agentNamed("aider")!, PROXY, env, "/b")).toMatchObject({ OPENAI_API_BASE: `${PROXY}/v1`, ANTHROPIC_BASE_URL: PROXY })
    expect(agentNamed("codex")!.args!(PROXY, env)).toEqual([
      "-c",
      `model_providers.headroom={name="headroom",base_url="${PROXY}/v1",env_key="OPENAI_API_KEY",wire_api="responses",supports_websockets=false}`,
      "-c",
      "model_provider=headroom",
      "-c",
      "allow_login_shell=false"
    ])
  })

  it("keep what the user set: their own endpoint becomes the upstream, their own choices stay", () => {
    expect(agentNamed("claude")!.upstream!({ ANTHROPIC_BASE_URL: "https://gw.example/anthropic" })).toEqual({ kind: "anthropic", url: "https://gw.example/anthropic" })
    expect(agentNamed("codex")!.upstream!({ OPENAI_BASE_URL: "http://localhost:4000/v1" })).toEqual({ kind: "openai", url: "http://localhost:4000/v1" })
    expect(agentNamed("copilot")!.upstream!({ COPILOT_PROVIDER_BASE_URL: "https://api.anthropic.com", COPILOT_PROVIDER_TYPE: "anthropic" })).toEqual({
      kind: "anthropic",
      url: "https://api.anthropic.com"
    })
    expect(agentNamed("claude")!.upstream!({})).toBeUndefined()
    expect(agentNamed("claude")!.env(PROXY, { ENABLE_TOOL_SEARCH: "false" }).ENABLE_TOOL_SEARCH).toBe("false")
  })

  it("refuse, saying what would work, where the agent would not talk to the proxy", () => {
    expect(agentNamed("codex")!.unsupported!({})).toMatch(/set OPENAI_API_KEY/)
    expect(agentNamed("gemini")!.unsupported!({})).toMatch(/set GEMINI_API_KEY/)
    expect(agentNamed("copilot")!.unsupported!({})).toMatch(/COPILOT_PROVIDER_BASE_URL.*COPILOT_PROVIDER_TYPE.*COPILOT_PROVIDER_API_KEY/)
    for (const agent of AGENTS) expect(agent.unsupported?.({ OPENAI_API_KEY: "k", GEMINI_API_KEY: "k", COPILOT_PROVIDER_BASE_URL: "u" })).toBeUndefined()
  })

  it("finds an executable on a PATH, and only an executable", () => {
    const dir = tempHome()
    onTestFinished(() => removeHome(dir))
    writeFileSync(join(dir, "tool"), "#!/bin/sh\n")
    writeFileSync(join(dir, "plain"), "")
    chmodSync(join(dir, "tool"), 0o755)
    expect(which("tool", `/nonexistent:${dir}`)).toBe(join(dir, "tool"))
    expect(which("plain", dir)).toBeUndefined()
    expect(which("tool", undefined)).toBeUndefined()
  })
})

/** A directory holding one executable script, for PATH. */
const program = (name: string, source: string): string => {
  const dir = tempHome()
  onTestFinished(() => removeHome(dir))
  writeFileSync(join(dir, name), source)
  chmodSync(join(dir, name), 0o755)
  return dir
}

describe("headroom wrap", () => {
  it("aider (a stand-in in its place): gets the proxy as its OpenAI base, its calls reach the upstream, headroom is on its PATH, its exit status is wrap's", async () => {
    const up = await startUpstream()
    onTestFinished(() => up.close())
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const out = join(home, "seen.json")
    // What Aider would do with these variables: a chat completion against OPENAI_API_BASE.
    const bin = program(
      "aider",
      `#!${process.execPath}
const { execSync } = require("node:child_process")
const { writeFileSync } = require("node:fs")
;(async () => {
  const r = await fetch(process.env.OPENAI_API_BASE + "/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer " + process.env.OPENAI_API_KEY },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
  })
  writeFileSync(${JSON.stringify(out)}, JSON.stringify({
    base: process.env.OPENAI_API_BASE,
    anthropic: process.env.ANTHROPIC_BASE_URL,
    args: process.argv.slice(2),
    status: r.status,
    body: await r.text(),
    headroom: execSync("command -v headroom", { shell: "/bin/sh" }).toString().trim()
  }))
  process.exit(3)
})()
`
    )
    const run = await headroom(["wrap", "aider", "--port", "0", "--", "--yes", "app.py"], {
      home: join(home, "headroom"),
      env: { PATH: `${bin}:${process.env.PATH}`, OPENAI_API_KEY: "sk-test", OPENAI_API_BASE: `${up.url}/v1` }
    })
    expect(run.code, run.stderr).toBe(3)
    const seen = JSON.parse(readFileSync(out, "utf8"))
    expect(seen.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    expect(seen.base).not.toBe(`${up.url}/v1`)
    expect(seen.anthropic).toBe(seen.base.replace(/\/v1$/, ""))
    expect(seen.args).toEqual(["--yes", "app.py"])
    expect(seen.status).toBe(200)
    expect(seen.body).toContain(DEFAULT_TEXT)
    expect(seen.headroom).toMatch(/\/bin\/headroom$/)
    expect(up.received).toHaveLength(1)
    expect(up.received[0]!.headers.authorization).toBe("Bearer sk-test")
  }, 60_000)

  it("an agent that is not installed: exit 127 and how to install it", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const run = await headroom(["wrap", "claude", "--port", "0"], { home, env: { PATH: "/nonexistent" } })
    expect(run.code).toBe(127)
    expect(run.stderr).toBe("headroom wrap: Claude Code (claude) is not on your PATH; install it with: npm install -g @anthropic-ai/claude-code\n")
  })

  it("an agent set up so it would not talk to the proxy: exit 2 and what would work", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const run = await headroom(["wrap", "copilot"], { home, env: { COPILOT_PROVIDER_BASE_URL: "" } })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^headroom wrap: Copilot CLI signed in to GitHub .* set COPILOT_PROVIDER_BASE_URL/)
  })

  it("an agent it does not know: the ones it does", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const run = await headroom(["wrap", "vim"], { home })
    expect(run.code).toBe(1)
    expect(run.stderr).toBe("headroom wrap: agent: expected one of claude, codex, gemini, copilot, aider, cursor, got \"vim\"\n")
  })

  it("a port held by something that is not headroom: a clear error, the agent not started", async () => {
    const server = http.createServer((_req, res) => res.end("not headroom"))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const port = (server.address() as AddressInfo).port
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const marker = join(home, "ran")
    const bin = program("aider", `#!/bin/sh\ntouch ${marker}\n`)
    const run = await headroom(["wrap", "aider", "--port", String(port)], { home, env: { PATH: `${bin}:${process.env.PATH}` } })
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`headroom wrap: port ${port} is taken by something that is not headroom; choose another with --port\n`)
    expect(() => readFileSync(marker)).toThrow()
  })

  it("cursor: the settings to enter, with the proxy's address", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const run = await headroom(["wrap", "cursor", "--port", "9100"], { home })
    expect(run.code).toBe(0)
    const text = run.stdout.toString("utf8")
    expect(text).toContain("Override OpenAI Base URL")
    expect(text).toContain("http://127.0.0.1:9100/v1")
    expect(text).toContain("headroom proxy")
  })

  it("unwrap: nothing to undo, said for one agent or all", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    mkdirSync(home, { recursive: true })
    const one = await headroom(["unwrap", "codex"], { home })
    expect(one.code).toBe(0)
    expect(one.stdout.toString()).toMatch(/^Nothing to undo for Codex: /)
    const all = await headroom(["unwrap"], { home })
    expect(all.stdout.toString()).toContain("Claude Code, Codex, Gemini CLI, Copilot CLI, Aider, Cursor")
  })
})
