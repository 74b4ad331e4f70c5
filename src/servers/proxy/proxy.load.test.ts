/**
 * The proxy under load, over real HTTP on 127.0.0.1: many streams at once must each arrive whole,
 * in order and uncorrupted (the relay must never mix two answers up), and a long run must not make
 * the process grow without bound (the memo, the ledger and the sockets are all bounded).
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { describe, expect, it, onTestFinished } from "vitest"
import { BIN, removeHome, tempHome } from "../../../test/helpers.ts"
import { startProxyRig } from "../../../test/proxy-rig.ts"
import { type Provider, type Received, startUpstream, textReply } from "../../../test/upstream.ts"
import { logItemsJson } from "../../evals/generate.ts"

const PATHS: Record<Provider, string> = {
  "openai-chat": "/v1/chat/completions",
  "openai-responses": "/v1/responses",
  anthropic: "/v1/messages",
  gemini: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
}
const PROVIDERS = Object.keys(PATHS) as Array<Provider>

/**
 * Request `n` of a provider, streaming, its number in the user's text; every fourth carries a tool
 * result the proxy compresses (different each time, so each is worked out anew).
 */
const requestBody = (provider: Provider, n: number): string => {
  const ask = `request ${n}`
  const result = n % 4 === 0 ? logItemsJson(30 + (n % 41)) : undefined
  switch (provider) {
    case "anthropic":
      return JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 64,
        stream: true,
        tools: [{ name: "Bash", input_schema: { type: "object" } }],
        messages: result === undefined ? [{ role: "user", content: ask }] : [
          { role: "user", content: ask },
          { role: "assistant", content: [{ type: "tool_use", id: `t${n}`, name: "Bash", input: { command: "curl -s https://api.example.com/logs" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: `t${n}`, content: result }] }
        ]
      })
    case "openai-chat":
      return JSON.stringify({
        model: "gpt-4o",
        stream: true,
        tools: [{ type: "function", function: { name: "shell", parameters: { type: "object" } } }],
        messages: result === undefined ? [{ role: "user", content: ask }] : [
          { role: "user", content: ask },
          { role: "assistant", content: null, tool_calls: [{ id: `c${n}`, type: "function", function: { name: "shell", arguments: "{\"command\":\"curl -s https://api.example.com/logs\"}" } }] },
          { role: "tool", tool_call_id: `c${n}`, content: result }
        ]
      })
    case "openai-responses":
      return JSON.stringify({
        model: "gpt-4o",
        stream: true,
        tools: [{ type: "function", name: "shell", parameters: { type: "object" } }],
        input: result === undefined ? [{ role: "user", content: ask }] : [
          { role: "user", content: ask },
          { type: "function_call", call_id: `c${n}`, name: "shell", arguments: "{\"command\":\"curl -s https://api.example.com/logs\"}" },
          { type: "function_call_output", call_id: `c${n}`, output: result }
        ]
      })
    case "gemini":
      return JSON.stringify({
        tools: [{ functionDeclarations: [{ name: "run_shell_command" }] }],
        contents: result === undefined ? [{ role: "user", parts: [{ text: ask }] }] : [
          { role: "user", parts: [{ text: ask }] },
          { role: "model", parts: [{ functionCall: { name: "run_shell_command", args: { command: "curl -s https://api.example.com/logs" } } }] },
          { role: "user", parts: [{ functionResponse: { name: "run_shell_command", response: { output: result } } }] }
        ]
      })
  }
}

/** The number a request carries in its first user text. */
const numberOf = (req: Received): number => Number(/request (\d+)/.exec(req.body.toString("utf8"))?.[1] ?? -1)

describe("proxy under load", () => {
  it("relays 200 concurrent streams, each whole, in order and uncorrupted", async () => {
    const { up, proxy, close } = await startProxyRig()
    onTestFinished(close)
    // Each answer names its request and is streamed in many small events, slowly enough that all
    // 200 are open at once; what the upstream sent for each is kept to compare with what arrived.
    const sent = new Map<number, string>()
    up.handler = (req) => {
      const n = numberOf(req)
      const provider = PROVIDERS[n % PROVIDERS.length]!
      const words = Array.from({ length: 12 }, (_, i) => `answer-${n}-word-${i}`).join(" ")
      const reply = textReply(provider, words, { stream: true, includeUsage: true })
      sent.set(n, reply.chunks.map((c) => c.toString()).join(""))
      return { ...reply, delayMs: 15 }
    }
    const N = 200
    const got = await Promise.all(Array.from({ length: N }, async (_, n) => {
      const provider = PROVIDERS[n % PROVIDERS.length]!
      const res = await fetch(`${proxy.url}${PATHS[provider]}`, { method: "POST", headers: { "content-type": "application/json" }, body: requestBody(provider, n) })
      return { n, status: res.status, text: await res.text() }
    }))
    expect(up.received).toHaveLength(N)
    for (const { n, status, text } of got) {
      expect(status).toBe(200)
      expect(text, `answer ${n}`).toBe(sent.get(n))
    }
    // The upstream had them all open at once: the compressed ones were compressed.
    const snapshot = proxy.metrics.snapshot()
    const compressed = PROVIDERS.reduce((sum, p) => sum + (snapshot.requests[p]?.compressed ?? 0), 0)
    expect(compressed).toBe(N / 4)
    expect(snapshot.failures).toEqual({})
  }, 60_000)

  it("stays within bounded memory over 10,000 requests (the real command's resident set)", async () => {
    const up = await startUpstream()
    onTestFinished(() => up.close())
    const home = tempHome()
    const child = spawn(process.execPath, [BIN, "proxy", "--port", "0", "--upstream-anthropic", up.url, "--upstream-openai", `${up.url}/v1`, "--upstream-gemini", up.url], {
      env: { ...process.env, HEADROOM_HOME: home, HEADROOM_PROXY_TOKEN: "" },
      stdio: ["ignore", "ignore", "pipe"]
    })
    let stderr = ""
    child.stderr!.on("data", (d: Buffer) => stderr += d.toString("utf8"))
    const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()))
    onTestFinished(async () => {
      child.kill("SIGKILL")
      await exit
      removeHome(home)
    })
    const end = Date.now() + 15_000
    while (!/listening on /.test(stderr) && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
    const url = /listening on (http:\/\/\S+)/.exec(stderr)![1]!
    const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024

    // Streams and not, all four formats, one in four compressed: 16 at a time, as a busy agent might.
    const total = 10_000
    let next = 0
    const samples: Array<[number, number]> = []
    const worker = async () => {
      while (next < total) {
        const n = next++
        const provider = PROVIDERS[n % PROVIDERS.length]!
        const res = await fetch(`${url}${PATHS[provider]}`, { method: "POST", headers: { "content-type": "application/json" }, body: requestBody(provider, n) })
        const body = await res.text()
        expect(res.status, body).toBe(200)
        if (n % 1000 === 999) {
          samples.push([n + 1, rss()])
          up.received.length = 0
        }
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
    samples.sort((a, b) => a[0] - b[0])
    const mb = samples.map(([n, m]) => `${n}: ${m.toFixed(0)} MB`).join(", ")
    console.log(`proxy resident set over ${total} requests: ${mb}`)
    // The memo is bounded by characters (memo.test.ts) and the rest by count; the resident set also
    // moves with V8's lazy heap sizing, so the bound here is loose: the last 3,000 requests peak
    // within 96 MB of the first 3,000, and never past 512 MB.
    const peak = (from: number, to: number) => Math.max(...samples.filter(([n]) => n > from && n <= to).map(([, m]) => m))
    expect(peak(7_000, total)).toBeLessThan(peak(0, 3_000) + 96)
    expect(peak(0, total)).toBeLessThan(512)
  }, 240_000)
})
