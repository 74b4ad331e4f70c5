/**
 * `headroom mcp install` and `uninstall` through the real command, on every client's config file:
 * the entry is added where the client reads it, every other byte stays, and uninstall leaves the
 * file byte-identical to before — for files with comments, other servers, tabs, CRLF, no final
 * newline, or no file at all.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it, onTestFinished } from "vitest"
import { BIN, removeHome, runCommand, tempHome } from "../../test/helpers.ts"
import { CLIENTS, type Scope } from "../servers/mcp/clients.ts"
import { hasServer, jsonProblem, withoutServer, withServer } from "../servers/mcp/install.ts"

/** `headroom args…` with a throw-away HOME (the user's configs) and a project directory. */
const run = (args: ReadonlyArray<string>, home: string, cwd: string) =>
  runCommand(process.execPath, [BIN, ...args], { cwd, env: { HOME: home, HEADROOM_HOME: join(home, ".headroom") } })

/** Config texts of each format a user may have: what install must leave alone around its entry. */
const JSON_CONFIGS: Record<string, string | undefined> = {
  "no file": undefined,
  "empty object": "{}",
  "other servers, comments, tabs, no final newline":
    "{\n\t// my servers\n\t\"mcpServers\": {\n\t\t\"docs\": { \"command\": \"npx\", \"args\": [\"-y\", \"docs-mcp\"] } /* keep */\n\t},\n\t\"theme\" :\"dark\"\n}",
  "CRLF, other keys, no mcpServers": "{\r\n  \"numStartups\": 12,\r\n  \"projects\": {\"/x\": {\"allowedTools\": []}}\r\n}\r\n"
}
const TOML_CONFIGS: Record<string, string | undefined> = {
  "no file": undefined,
  "comments and tables": "# my settings\nmodel = \"gpt-5.1-codex\"   # the one I like\n\n[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"docs-mcp\"]\n\n[profiles.fast]\nmodel = \"gpt-5-mini\"\n",
  "no final newline": "model = \"o3\""
}

describe("headroom mcp install / uninstall", () => {
  for (const client of CLIENTS) {
    for (const scope of ["user", "project"] as const) {
      const configs = client.format === "toml" ? TOML_CONFIGS : JSON_CONFIGS
      for (const [what, text] of Object.entries(configs)) {
        it(`${client.name} (${scope}), ${what}: adds the server, keeps the rest, uninstall leaves the file as it was`, async () => {
          const home = tempHome()
          onTestFinished(() => removeHome(home))
          const project = join(home, "project")
          mkdirSync(project)
          const file = client.file(scope, home, project)
          if (file === undefined) {
            const r = await run(["mcp", "install", "--client", client.name, "--scope", scope], home, project)
            expect(r.code).toBe(1)
            expect(r.stderr).toMatch(/has no project MCP config/)
            return
          }
          if (text !== undefined) {
            mkdirSync(dirname(file), { recursive: true })
            writeFileSync(file, text)
          }
          // --dry-run: the diff, nothing written.
          const dry = await run(["mcp", "install", "--client", client.name, "--scope", scope, "--dry-run"], home, project)
          expect(dry.code, dry.stderr).toBe(0)
          expect(dry.stdout).toMatch(/^--- .*\n\+\+\+ .*\n@@/)
          expect(dry.stdout).toMatch(/^\+.*headroom/m)
          expect(existsSync(file) ? readFileSync(file, "utf8") : undefined).toBe(text)

          const installed = await run(["mcp", "install", "--client", client.name, "--scope", scope], home, project)
          expect(installed.code, installed.stderr).toBe(0)
          const after = readFileSync(file, "utf8")
          expect(hasServer(client, after)).toBe(true)
          if (client.format === "json") expect(jsonProblem(after)).toBeUndefined()
          // Every line that was there is still there, in order (one may have gained the comma before the new entry).
          const uncomma = (x: string) => x.replace(/,/g, "")
          const kept = (text ?? "").split(/\r?\n/).filter((l) => l.trim() !== "" && l.trim() !== "{}")
          let at = 0
          for (const line of kept) {
            const found = uncomma(after).indexOf(uncomma(line), at)
            expect(found, line).toBeGreaterThanOrEqual(0)
            at = found
          }
          expect(uncomma(after).length - uncomma(text ?? "").length).toBeGreaterThan(0)
          // A second install changes nothing.
          const again = await run(["mcp", "install", "--client", client.name, "--scope", scope], home, project)
          expect(again.stderr).toMatch(/already has a "headroom" server/)
          expect(readFileSync(file, "utf8")).toBe(after)

          const removed = await run(["mcp", "uninstall", "--client", client.name, "--scope", scope], home, project)
          expect(removed.code, removed.stderr).toBe(0)
          if (text === undefined) {
            expect(existsSync(file)).toBe(false)
            expect(existsSync(dirname(file)) && dirname(file) !== project && dirname(file) !== home).toBe(false)
          } else expect(readFileSync(file, "utf8")).toBe(text)
        }, 30_000)
      }
    }
  }

  it("a file edited since install: uninstall takes out only headroom's entry, the user's edit stays", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const file = join(home, ".cursor", "mcp.json")
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, "{\n  \"mcpServers\": {\n    \"docs\": {\"command\": \"npx\"}\n  }\n}\n")
    expect((await run(["mcp", "install", "--client", "cursor"], home, home)).code).toBe(0)
    writeFileSync(file, readFileSync(file, "utf8").replace("\"npx\"", "\"bunx\""))
    expect((await run(["mcp", "uninstall", "--client", "cursor"], home, home)).code).toBe(0)
    const now = readFileSync(file, "utf8")
    expect(now).toContain("\"bunx\"")
    expect(now).not.toContain("headroom")
    expect(JSON.parse(now)).toEqual({ mcpServers: { docs: { command: "bunx" } } })
  }, 30_000)

  it("a config file that is not valid JSON is left alone, with one clear line", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const file = join(home, ".gemini", "settings.json")
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, "{ \"ui\": { \"theme\": \"ANSI\" ")
    const r = await run(["mcp", "install", "--client", "gemini"], home, home)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^headroom mcp install: config file: expected a file headroom can edit safely, but it is not valid JSON \(line 1\); fix it, or add headroom by hand/)
    expect(readFileSync(file, "utf8")).toBe("{ \"ui\": { \"theme\": \"ANSI\" ")
  }, 30_000)

  it("uninstall where nothing was installed: says so, changes nothing", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const r = await run(["mcp", "uninstall", "--client", "codex"], home, home)
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/has no "headroom" server .*nothing to remove/)
    expect(existsSync(join(home, ".codex"))).toBe(false)
  }, 30_000)

  it("an unknown client: the ones it knows", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const r = await run(["mcp", "install", "--client", "vscode"], home, home)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("headroom mcp install: --client: expected one of claude, codex, gemini, cursor, copilot, got \"vscode\"\n")
  }, 30_000)
})

describe("install.ts", () => {
  it("withoutServer undoes withServer on TOML that has tables after", () => {
    const codex = CLIENTS.find((c) => c.name === "codex")!
    const text = "[a]\nx = 1\n"
    const added = withServer(codex, text, { command: "headroom", args: ["mcp"] })
    expect(added).toBe("[a]\nx = 1\n\n[mcp_servers.headroom]\ncommand = \"headroom\"\nargs = [\"mcp\"]\n")
    expect(withoutServer(codex, `${added}[b]\ny = 2\n`)).toBe("[a]\nx = 1\n\n[b]\ny = 2\n")
  })

  it.each(["user", "project"] as Array<Scope>)("every client says where its %s config is, or that it has none", (scope) => {
    for (const client of CLIENTS) {
      const file = client.file(scope, "/home/u", "/work/p")
      if (file !== undefined) expect(file.startsWith(scope === "user" ? "/home/u/" : "/work/p/")).toBe(true)
    }
  })
})
