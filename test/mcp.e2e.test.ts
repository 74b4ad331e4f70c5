/**
 * `headroom mcp` with real clients (test/agents, installed by `.ci/run`): the MCP Inspector's CLI
 * lists and calls its tools, and the real Claude Code, with the server installed by `headroom mcp
 * install --client claude --scope project`, sends headroom's tools to its model.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it, onTestFinished } from "vitest"
import { BIN, removeHome, ROOT, runCommand, tempHome } from "./helpers.ts"
import { answer, startUpstream } from "./upstream.ts"

const AGENTS_BIN = join(ROOT, "test", "agents", "node_modules", ".bin")
const required = process.env.HEADROOM_REQUIRE_TOOLS === "1"
const have = (name: string) => existsSync(join(AGENTS_BIN, name))
const title = (name: string, text: string) => (!have(name) && !required ? `${text} (skipped: ${name} is not installed; npm ci --prefix test/agents)` : text)

const run = (command: string, args: ReadonlyArray<string>, env: Record<string, string>, cwd: string) => runCommand(command, args, { env, cwd })

describe("headroom mcp with real clients", () => {
  it.skipIf(!have("mcp-inspector") && !required)(title("mcp-inspector", "the MCP Inspector CLI (0.15) lists the three tools and calls each"), async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const env = { HEADROOM_HOME: home }
    const inspector = join(AGENTS_BIN, "mcp-inspector")
    const server = ["--cli", process.execPath, BIN, "mcp"]
    const list = await run(inspector, [...server, "--method", "tools/list"], env, home)
    expect(list.code, list.stderr).toBe(0)
    expect((JSON.parse(list.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name).sort()).toEqual(["headroom_compress", "headroom_retrieve", "headroom_stats"])

    const log = readFileSync(join(ROOT, "fixtures", "corpus", "logs", "HDFS_2k.log"), "utf8").split("\n").slice(0, 200).join("\n")
    const compressed = await run(inspector, [...server, "--method", "tools/call", "--tool-name", "headroom_compress", "--tool-arg", `content=${log}`], env, home)
    expect(compressed.code, compressed.stderr).toBe(0)
    const c = JSON.parse(compressed.stdout) as { structuredContent: { hash: string; tokensBefore: number; tokensAfter: number; stage: string } }
    expect(c.structuredContent.stage).toBe("logs")
    expect(c.structuredContent.tokensAfter).toBeLessThan(c.structuredContent.tokensBefore)

    const back = await run(inspector, [...server, "--method", "tools/call", "--tool-name", "headroom_retrieve", "--tool-arg", `hash=${c.structuredContent.hash}`, "--tool-arg", "lines=1-2"], env, home)
    expect(back.code, back.stderr).toBe(0)
    expect((JSON.parse(back.stdout) as { content: Array<{ text: string }> }).content[0]!.text).toBe(log.split("\n").slice(0, 2).map((l) => `${l}\n`).join(""))

    const stats = await run(inspector, [...server, "--method", "tools/call", "--tool-name", "headroom_stats"], env, home)
    expect(stats.code, stats.stderr).toBe(0)
    expect(JSON.parse(stats.stdout)).toMatchObject({ structuredContent: { session: { requests: 0 }, overall: { requests: 0 } } })
  }, 120_000)

  it.skipIf(!have("claude") && !required)(title("claude", "Claude Code with the server installed by mcp install --client claude --scope project sends headroom's tools to its model"), async () => {
    const up = await startUpstream()
    onTestFinished(() => up.close())
    const tools: Array<Array<string>> = []
    up.handler = (req) => {
      const json = req.json as { tools?: Array<{ name: string }> } | undefined
      if (json?.tools) tools.push(json.tools.map((t) => t.name))
      return answer(req)
    }
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const project = join(home, "project")
    mkdirSync(project)
    const env = {
      HOME: home,
      HEADROOM_HOME: join(home, ".headroom"),
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: up.url,
      DISABLE_TELEMETRY: "1",
      DISABLE_AUTOUPDATER: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"
    }
    const install = await run(process.execPath, [BIN, "mcp", "install", "--client", "claude", "--scope", "project"], env, project)
    expect(install.code, install.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(project, ".mcp.json"), "utf8"))).toMatchObject({ mcpServers: { headroom: { type: "stdio", args: [BIN, "mcp"] } } })
    const claude = await run(join(AGENTS_BIN, "claude"), ["-p", "hi"], env, project)
    expect(claude.code, claude.stderr).toBe(0)
    expect(claude.stdout).toContain("Hello from the scripted model.")
    const mine = tools.flat().filter((n) => n.includes("headroom"))
    expect([...new Set(mine)].sort()).toEqual(["mcp__headroom__headroom_compress", "mcp__headroom__headroom_retrieve", "mcp__headroom__headroom_stats"])

    const uninstall = await run(process.execPath, [BIN, "mcp", "uninstall", "--client", "claude", "--scope", "project"], env, project)
    expect(uninstall.code, uninstall.stderr).toBe(0)
    expect(existsSync(join(project, ".mcp.json"))).toBe(false)
  }, 120_000)
})
