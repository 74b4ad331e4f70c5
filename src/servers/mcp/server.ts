/**
 * `headroom mcp`: the MCP server (stdio), assembled from what exists — the stages (compress), CCR
 * (retrieve, by the same rules as `ccr-get`) and the proxy's ledger (stats). It shares the store with
 * the proxy and the CLI. A bad hash, range or input is a tool error with its one-line message, never
 * a crash of the server; stdout is the protocol, so nothing else is written there.
 *
 * @since 0.4.0
 */
import { Effect, type ManagedRuntime } from "effect"
import { createRequire } from "node:module"
import { z } from "zod"
import { estimateTokens } from "../../core/estimate.ts"
import { LEDGER_DAYS } from "../../core/store.ts"
import { VERSION } from "../../core/version.ts"
import type { Services } from "../../runtime.ts"
import { compressBytes } from "../../stages/compress.ts"
import { report } from "../../stats/report.ts"
import { entries } from "../proxy/ledger.ts"
import { retrievedText } from "../proxy/retrieve/tool.ts"

/** The largest content `headroom_compress` takes, in bytes. */
export const MAX_CONTENT_BYTES = 16 * 1024 * 1024

const TYPES = ["json", "log", "search", "diff", "html", "prose", "text"] as const

type ToolResult = { content: Array<{ type: "text"; text: string }>; structuredContent?: Record<string, unknown>; isError?: boolean }

const failure = (text: string): ToolResult => ({ content: [{ type: "text", text }], isError: true })

/** The three tools, as plain functions over a runtime (the server and its tests share them). */
export const tools = (runtime: ManagedRuntime.ManagedRuntime<Services, unknown>, startedAt: number) => ({
  compress: async (args: { content: string; type?: string | undefined; query?: string | undefined; path?: string | undefined }): Promise<ToolResult> => {
    const bytes = new TextEncoder().encode(args.content)
    if (bytes.length > MAX_CONTENT_BYTES) return failure(`content is ${bytes.length} bytes; the most headroom_compress takes is ${MAX_CONTENT_BYTES}`)
    const hint = args.type === undefined ? undefined : args.type === "code" ? undefined : args.type as (typeof TYPES)[number]
    const run = compressBytes(bytes, { hint, path: args.path, query: args.query })
    const result = await runtime.runPromise(Effect.result(run))
    if (result._tag === "Failure") return failure(result.failure.message)
    const c = result.success
    const text = typeof c.output === "string" ? c.output : new TextDecoder().decode(c.output)
    const facts = {
      hash: c.key ?? null,
      stage: c.passthrough ? "none" : c.stage,
      tokensBefore: estimateTokens(args.content),
      tokensAfter: estimateTokens(text),
      ...(c.passthrough ? { unchanged: c.passthrough } : {})
    }
    return { content: [{ type: "text", text }, { type: "text", text: JSON.stringify(facts) }], structuredContent: { text, ...facts } }
  },
  retrieve: async (args: { hash: string; query?: string | undefined; lines?: string | undefined }): Promise<ToolResult> => {
    const result = await runtime.runPromise(Effect.result(retrievedText(args)))
    return result._tag === "Failure" ? failure(result.failure.message) : { content: [{ type: "text", text: result.success }] }
  },
  stats: async (): Promise<ToolResult> => {
    const all = await runtime.runPromise(Effect.result(entries(Date.now() - LEDGER_DAYS * 86_400_000)))
    if (all._tag === "Failure") return failure(`the ledger cannot be read: ${String(all.failure)}`)
    const overall = report(all.success, 0).totals
    const session = report(all.success.filter((e) => e.at >= startedAt), startedAt).totals
    const value = { session, overall }
    return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value }
  }
})

const require_ = createRequire(import.meta.url)

/** Serves the tools over stdio until the client closes the connection. */
export const serveStdio = async (runtime: ManagedRuntime.ManagedRuntime<Services, unknown>): Promise<void> => {
  // Required when served: the CLI's other commands never load the SDK.
  const { McpServer } = require_("@modelcontextprotocol/sdk/server/mcp.js") as typeof import("@modelcontextprotocol/sdk/server/mcp.js")
  const { StdioServerTransport } = require_("@modelcontextprotocol/sdk/server/stdio.js") as typeof import("@modelcontextprotocol/sdk/server/stdio.js")
  const server = new McpServer({ name: "headroom", version: VERSION })
  const t = tools(runtime, Date.now())
  server.registerTool("headroom_compress", {
    description: "Compress text (a tool's output, a file, a log, JSON, search results, a diff, HTML or prose) while keeping every fact: " +
      "the original is stored locally, and markers in the result say how to get any left-out part back with headroom_retrieve.",
    inputSchema: {
      content: z.string().describe("the text to compress"),
      type: z.enum([...TYPES, "code"]).optional().describe("what the text is, when known (else it is detected)"),
      query: z.string().optional().describe("what matters: items and lines about it are kept whole"),
      path: z.string().optional().describe("the file the text came from: its extension names a language")
    }
  }, (args) => t.compress(args))
  server.registerTool("headroom_retrieve", {
    description: "Get back an original that headroom stored: whole, a range of its lines, or only what matches a query. " +
      "A marker such as [40 lines not shown · headroom ccr-get 9f2c1ab3e4d5] names the hash.",
    inputSchema: {
      hash: z.string().describe("the 12-character hash a marker names"),
      lines: z.string().optional().describe("a range of lines of the original, A-B"),
      query: z.string().optional().describe("words to find in the original; only what matches comes back")
    }
  }, (args) => t.retrieve(args))
  server.registerTool("headroom_stats", {
    description: "What headroom's proxy saved: model calls, tokens before and after, and money, for this session and overall.",
    inputSchema: {}
  }, () => t.stats())
  // The SDK closes the connection on a message over its buffer (10 MB by default): room for the
  // largest content and its JSON escaping, so an oversized one gets a clear tool error instead.
  await server.connect(new StdioServerTransport(process.stdin, process.stdout, { maxBufferSize: 4 * MAX_CONTENT_BYTES }))
  // Until the client closes the connection, or its end of stdin.
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve()
    process.stdin.once("end", () => resolve())
  })
  await server.close()
}
