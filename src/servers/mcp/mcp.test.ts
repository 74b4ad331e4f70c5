/**
 * `headroom mcp` through the SDK's own Client over stdio (the real command as a child process):
 * the three tools listed and called, errors as tool errors (the server keeps serving), the store
 * shared with the CLI.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it, onTestFinished } from "vitest"
import { BIN, CORPUS, headroom, removeHome, tempHome } from "../../../test/helpers.ts"
import { MAX_CONTENT_BYTES } from "./server.ts"

type Text = { type: "text"; text: string }
type Result = { content: Array<Text>; isError?: boolean; structuredContent?: Record<string, unknown> }

const connect = async (home: string) => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp"],
    env: { ...(process.env as Record<string, string>), HEADROOM_HOME: home },
    stderr: "pipe"
  })
  const client = new Client({ name: "headroom-test", version: "1.0.0" })
  await client.connect(transport)
  onTestFinished(() => client.close())
  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as Result
  return { client, call }
}

const LOG = readFileSync(join(CORPUS, "logs", "Apache_2k.log"), "utf8").split("\n").slice(0, 300).join("\n")

describe("headroom mcp (the SDK's Client over stdio)", () => {
  it("lists its three tools, with their input schemas", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const { client } = await connect(home)
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(["headroom_compress", "headroom_retrieve", "headroom_stats"])
    const compress = tools.find((t) => t.name === "headroom_compress")!
    expect(compress.inputSchema.required).toEqual(["content"])
    expect(Object.keys(compress.inputSchema.properties ?? {}).sort()).toEqual(["content", "path", "query", "type"])
    expect(tools.find((t) => t.name === "headroom_retrieve")!.inputSchema.required).toEqual(["hash"])
  }, 30_000)

  it("compresses, then gives back the original, its lines and what matches; the CLI reads the same store", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const { call } = await connect(home)
    const compressed = await call("headroom_compress", { content: LOG, query: "error" })
    expect(compressed.isError).toBeUndefined()
    const [text, facts] = compressed.content.map((c) => c.text)
    const f = JSON.parse(facts!) as { hash: string; stage: string; tokensBefore: number; tokensAfter: number }
    expect(f.stage).toBe("logs")
    expect(f.hash).toMatch(/^[0-9a-f]{12}$/)
    expect(f.tokensAfter).toBeLessThan(f.tokensBefore / 2)
    // Markers name the tool that gives their lines back: this server's own.
    expect(text).toMatch(/headroom_retrieve hash=[0-9a-f]{12}/)
    expect(compressed.structuredContent).toMatchObject({ text, ...f })

    const whole = await call("headroom_retrieve", { hash: f.hash })
    expect(whole.content[0]!.text).toBe(LOG)
    const lines = await call("headroom_retrieve", { hash: `hash=${f.hash}`, lines: "2-3" })
    expect(lines.content[0]!.text).toBe(LOG.split("\n").slice(1, 3).map((l) => `${l}\n`).join(""))
    const found = await call("headroom_retrieve", { hash: f.hash, query: "scoreboard slot 12" })
    expect(found.content[0]!.text).toContain("scoreboard slot 12")
    expect(found.content[0]!.text.length).toBeLessThan(LOG.length / 5)

    // The same store as the CLI's: ccr-get finds what the server stored.
    const cli = await headroom(["ccr-get", f.hash], { home })
    expect(cli.code).toBe(0)
    expect(cli.stdout.toString("utf8")).toBe(LOG)
  }, 30_000)

  it("says what it left as it was: text it cannot make smaller passes through, with the reason", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const { call } = await connect(home)
    const r = await call("headroom_compress", { content: "a short note" })
    expect(r.content[0]!.text).toBe("a short note")
    expect(JSON.parse(r.content[1]!.text)).toMatchObject({ hash: null, stage: "none", unchanged: expect.any(String) })
  }, 30_000)

  it("a bad hash, a bad range, an unknown hash, an oversized input, arguments of the wrong type: tool errors, and it goes on serving", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const { call } = await connect(home)
    const stored = JSON.parse((await call("headroom_compress", { content: LOG })).content[1]!.text).hash as string
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["headroom_retrieve", { hash: "zz" }, /^not a headroom hash: "zz"/],
      ["headroom_retrieve", { hash: "0123456789ab" }, /^no original stored under hash 0123456789ab/],
      ["headroom_retrieve", { hash: stored, lines: "9-3" }, /^--lines: expected A-B/],
      ["headroom_retrieve", { hash: stored, lines: "400-500" }, /beyond|past|lines/],
      ["headroom_compress", { content: "x".repeat(MAX_CONTENT_BYTES + 1) }, new RegExp(`^content is ${MAX_CONTENT_BYTES + 1} bytes; the most headroom_compress takes is ${MAX_CONTENT_BYTES}`)],
      ["headroom_compress", { content: 42 }, /Input validation error: .*expected string, received number at content/],
      ["headroom_retrieve", {}, /Input validation error: .*at hash/]
    ]
    for (const [name, args, message] of cases) {
      const r = await call(name, args)
      expect(r.isError, JSON.stringify(args).slice(0, 80)).toBe(true)
      expect(r.content[0]!.text).toMatch(message)
    }
    expect((await call("headroom_retrieve", { hash: stored, lines: "1-1" })).content[0]!.text).toBe(`${LOG.split("\n")[0]}\n`)
  }, 60_000)

  it("headroom_stats: the ledger's totals, this session's and overall", async () => {
    const home = tempHome()
    onTestFinished(() => removeHome(home))
    const { call } = await connect(home)
    const r = await call("headroom_stats", {})
    expect(r.isError).toBeUndefined()
    expect(r.structuredContent).toMatchObject({ session: { requests: 0, tokensBefore: 0 }, overall: { requests: 0 } })
  }, 30_000)
})
