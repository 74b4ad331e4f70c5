/**
 * The proxy under faults, end to end over real HTTP on 127.0.0.1: upstream errors, streams cut or
 * never answered, an upstream that is not there, bodies that are junk or huge, keys that must never
 * reach a log, the bypass and token headers, the metrics, SIGTERM. Each fault must reach the client
 * as a clear error within its time, and the proxy must go on serving afterwards.
 *
 * The proxy runs in this process (`startProxy`, the in-memory store) except where the real command
 * is needed — its log lines and its signals — where `bin/headroom proxy` is spawned (built by
 * `npm test` before vitest). The upstream is the scripted one (test/upstream.ts), or a bare server
 * where a test needs to see its sockets.
 */
import Anthropic, { RateLimitError } from "@anthropic-ai/sdk"
import fc from "fast-check"
import { type ChildProcess, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it, onTestFinished } from "vitest"
import { BIN, freePort, removeHome, tempHome } from "../../../test/helpers.ts"
import { type ProxyRig, startProxyRig } from "../../../test/proxy-rig.ts"
import { answer, bigToolResultRequest, DEFAULT_TEXT, errorReply, type Provider, type Reply, startUpstream, textReply } from "../../../test/upstream.ts"
import { WIRES } from "./retrieve/loop.ts"
import type { ProxyOptions } from "./server.ts"

const T = 20_000 // each test's own timeout

// ---------------------------------------------------------------------------------------------
// Rigs: the proxy in this process, or the real command

type Rig = ProxyRig

/** The scripted upstream and a proxy in front of it (in-memory store), both closed when the test ends. */
const rig = async (options: Partial<ProxyOptions> = {}, upstreams: Partial<ProxyOptions["upstreams"]> = {}): Promise<Rig> => {
  const r = await startProxyRig(options, upstreams)
  onTestFinished(() => r.close())
  return r
}

/** An upstream that reads each request and never answers, counting the sockets it saw close. */
const silentUpstream = async () => {
  let requests = 0
  let closed = 0
  const server = http.createServer((req) => {
    requests++
    req.resume()
    req.socket.once("close", () => closed++)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  onTestFinished(() => new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  }))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    closed: () => closed
  }
}

interface Cli {
  readonly url: string
  readonly child: ChildProcess
  readonly stderr: () => string
  readonly exit: Promise<number | null>
}

/** `headroom proxy --port 0 …` as a child process, with a throwaway home; killed when the test ends. */
const cli = async (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Cli> => {
  const home = tempHome()
  const child = spawn(process.execPath, [BIN, "proxy", "--port", "0", ...args], {
    env: { ...process.env, HEADROOM_HOME: home, HEADROOM_PROXY_TOKEN: "", ...env },
    stdio: ["ignore", "ignore", "pipe"]
  })
  let stderr = ""
  child.stderr!.on("data", (d: Buffer) => stderr += d.toString("utf8"))
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    await exit
    removeHome(home)
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headroom proxy did not start: ${stderr}`)), 15_000)
    const look = () => {
      const m = /listening on (http:\/\/\S+)/.exec(stderr)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stderr!.on("data", look)
    exit.then((code) => reject(new Error(`headroom proxy exited with ${code}: ${stderr}`)))
  })
  return { url, child, stderr: () => stderr, exit }
}

// ---------------------------------------------------------------------------------------------
// Requests

const JSON_HEADERS = { "content-type": "application/json" }

/** A small request of each model path, and the provider it speaks. */
const CALLS: ReadonlyArray<{ readonly provider: Provider; readonly path: string; readonly body: Record<string, unknown> }> = [
  { provider: "openai-chat", path: "/v1/chat/completions", body: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] } },
  { provider: "openai-responses", path: "/v1/responses", body: { model: "gpt-4o", input: [{ role: "user", content: "hi" }] } },
  { provider: "anthropic", path: "/v1/messages", body: { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }] } },
  { provider: "gemini", path: "/v1beta/models/x:generateContent", body: { contents: [{ role: "user", parts: [{ text: "hi" }] }] } }
]

/** The same requests declaring one tool that is no shell or reader: the proxy offers them headroom_retrieve. */
const TOOLS: Record<Provider, unknown> = {
  "openai-chat": [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
  "openai-responses": [{ type: "function", name: "get_weather", parameters: { type: "object" } }],
  anthropic: [{ name: "get_weather", input_schema: { type: "object" } }],
  gemini: [{ functionDeclarations: [{ name: "get_weather" }] }]
}

interface Answer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/** Headers of one connection or one moment, which differ between any two answers. */
const VOLATILE = new Set(["connection", "keep-alive", "date", "transfer-encoding"])

const call = async (url: string, init: RequestInit = {}): Promise<Answer> => {
  const res = await fetch(url, init)
  const headers: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    if (!VOLATILE.has(name)) headers[name] = value
  })
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) }
}

/** The proxy's own error: JSON in the shape the SDKs read, its message saying it is the proxy's. */
const proxyError = (a: Answer, status: number, type: string): string => {
  expect(a.status).toBe(status)
  expect(a.headers["content-type"]).toBe("application/json")
  const json = JSON.parse(a.body.toString("utf8")) as { type: string; error: { type: string; message: string } }
  expect(json).toMatchObject({ type: "error", error: { type } })
  expect(json.error.message).toMatch(/^headroom proxy: /)
  return json.error.message
}

/** The proxy still serves: /health answers, and so does a plain model call. */
const stillServing = async (r: Rig) => {
  r.up.handler = answer
  const health = await call(`${r.proxy.url}/health`)
  expect(health.status).toBe(200)
  expect(JSON.parse(health.body.toString())).toMatchObject({ status: "ok", service: "headroom", pid: process.pid })
  const ok = await call(`${r.proxy.url}/v1/messages`, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(CALLS[2]!.body) })
  expect(ok.status).toBe(200)
  expect(ok.body.toString()).toContain(DEFAULT_TEXT)
}

/** Reads a response body chunk by chunk: what arrived, and how the read ended. */
const readAll = async (res: Response): Promise<{ bytes: Buffer; error: unknown }> => {
  const parts: Array<Buffer> = []
  const reader = res.body!.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return { bytes: Buffer.concat(parts), error: undefined }
      parts.push(Buffer.from(value))
    }
  } catch (error) {
    return { bytes: Buffer.concat(parts), error }
  }
}

const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
  return check()
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")

// ---------------------------------------------------------------------------------------------

describe("proxy faults: upstream errors", () => {
  it.each([
    ["500", (p: Provider) => errorReply(p, 500)],
    ["429 with Retry-After", (p: Provider) => errorReply(p, 429, { "retry-after": "7" })]
  ])("relays a %s exactly as the upstream sent it, and never retries", async (_name, reply) => {
    const r = await rig()
    for (const c of CALLS) {
      for (const tools of [false, true]) {
        // With a tool the proxy offers headroom_retrieve and answers through its loop: the error must come through that way too.
        const body = JSON.stringify(tools ? { ...c.body, tools: TOOLS[c.provider] } : c.body)
        r.up.handler = () => reply(c.provider)
        const direct = await call(`${r.up.url}${c.path}`, { method: "POST", headers: JSON_HEADERS, body })
        r.up.received.length = 0
        const proxied = await call(`${r.proxy.url}${c.path}`, { method: "POST", headers: JSON_HEADERS, body })
        expect(r.up.received).toHaveLength(1)
        expect(proxied.status).toBe(direct.status)
        expect(proxied.headers).toEqual(direct.headers)
        expect(proxied.body.equals(direct.body)).toBe(true)
        if (direct.status === 429) expect(proxied.headers["retry-after"]).toBe("7")
      }
    }
    await stillServing(r)
  }, T)

  it("gives the Anthropic SDK a RateLimitError with the upstream's Retry-After, after one request", async () => {
    const r = await rig()
    r.up.handler = () => errorReply("anthropic", 429, { "retry-after": "7" })
    const client = new Anthropic({ apiKey: "sk-ant-test", baseURL: r.proxy.url, maxRetries: 0, timeout: 5_000 })
    const error = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }).catch((e) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).status).toBe(429)
    expect((error as RateLimitError).headers?.get("retry-after")).toBe("7")
    expect((error as RateLimitError).message).toContain("Scripted error 429.")
    expect(r.up.received).toHaveLength(1)
    r.up.handler = () => errorReply("anthropic", 500)
    await expect(client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(
      Anthropic.InternalServerError
    )
    expect(r.up.received).toHaveLength(2)
    await stillServing(r)
  }, T)
})

describe("proxy faults: streams cut or never answered", () => {
  it("cuts the client's stream when the upstream's is reset, after the chunks that came", async () => {
    const r = await rig()
    const full = textReply("anthropic", "one two three four five six seven", { stream: true })
    const cut: Reply = { ...full, chunks: full.chunks.slice(0, 4), reset: true, delayMs: 20 }
    r.up.handler = () => cut
    const res = await fetch(`${r.proxy.url}/v1/messages`, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ ...CALLS[2]!.body, stream: true }) })
    expect(res.status).toBe(200)
    const got = await readAll(res)
    expect(got.error).toBeInstanceOf(Error)
    expect(got.bytes.toString()).toBe(cut.chunks.join(""))
    expect(r.proxy.metrics.snapshot().failures["upstream-cut"]).toBe(1)

    // The SDK's stream throws after the events it had.
    const client = new Anthropic({ apiKey: "sk-ant-test", baseURL: r.proxy.url, maxRetries: 0, timeout: 5_000 })
    const stream = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }], stream: true })
    const seen: Array<string> = []
    await expect((async () => {
      for await (const event of stream) seen.push(event.type)
    })()).rejects.toThrow()
    // The SDK skips `ping` events.
    expect(seen).toEqual(["message_start", "content_block_start", "content_block_delta"])
    expect(r.up.received).toHaveLength(2)

    const stats = await call(`${r.proxy.url}/stats`)
    expect(JSON.parse(stats.body.toString()).failures["upstream-cut"]).toBe(2)
    await stillServing(r)
  }, T)

  it("cancels the upstream request when the client gives up on an upstream that never answers", async () => {
    const silent = await silentUpstream()
    // Only OpenAI's paths go to the silent upstream: stillServing asks Anthropic's.
    const r = await rig({}, { openai: `${silent.url}/v1` })
    const cases: ReadonlyArray<[string, RequestInit]> = [
      ["/v1/chat/completions", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ ...CALLS[0]!.body, stream: true }) }],
      ["/v1/chat/completions", { method: "POST", headers: JSON_HEADERS, body: "{not json" }],
      ["/v1/models", { method: "GET" }]
    ]
    for (const [i, [path, init]] of cases.entries()) {
      const t0 = Date.now()
      const error = await fetch(`${r.proxy.url}${path}`, { ...init, signal: AbortSignal.timeout(300) }).catch((e) => e)
      expect(Date.now() - t0).toBeLessThan(2_000)
      expect((error as Error).name).toBe("TimeoutError")
      expect(await until(() => silent.closed() === i + 1, 3_000)).toBe(true)
      expect(silent.requests()).toBe(i + 1)
    }
    await until(() => (r.proxy.metrics.snapshot().failures["client-gone"] ?? 0) === cases.length, 1_000)
    expect(r.proxy.metrics.snapshot().failures["client-gone"]).toBe(cases.length)
    await stillServing(r)
  }, T)

  it("answers 504 when the upstream stays silent past the idle timeout, and lets the upstream go", async () => {
    const silent = await silentUpstream()
    const r = await rig({ idleTimeoutMs: 300 }, { gemini: silent.url })
    for (const [i, path] of ["/v1beta/models/x:streamGenerateContent?alt=sse", "/v1beta/models"].entries()) {
      const t0 = Date.now()
      const a = await call(`${r.proxy.url}${path}`, i === 0 ? { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(CALLS[3]!.body) } : {})
      const took = Date.now() - t0
      expect(took).toBeGreaterThanOrEqual(250)
      expect(took).toBeLessThan(3_000)
      expect(proxyError(a, 504, "upstream_timeout")).toMatch(/sent nothing for 300 ms/)
      expect(await until(() => silent.closed() === i + 1, 3_000)).toBe(true)
    }
    expect(r.proxy.metrics.snapshot().failures["upstream-timeout"]).toBe(2)
    await stillServing(r)
  }, T)

  it("cuts the client's stream when the upstream goes silent mid-answer", async () => {
    const r = await rig({ idleTimeoutMs: 300 })
    const full = textReply("openai-chat", "one two three four", { stream: true })
    // Two chunks, then silence: the scripted upstream waits for the third.
    r.up.handler = () => ({ ...full, delayMs: 5_000 })
    const res = await fetch(`${r.proxy.url}/v1/chat/completions`, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ ...CALLS[0]!.body, stream: true }) })
    expect(res.status).toBe(200)
    const t0 = Date.now()
    const got = await readAll(res)
    expect(Date.now() - t0).toBeLessThan(3_000)
    expect(got.error).toBeInstanceOf(Error)
    expect(got.bytes.toString()).toBe(full.chunks[0])
    expect(r.proxy.metrics.snapshot().failures["upstream-cut"]).toBe(1)
    await stillServing(r)
  }, T)

  it("answers 502 with a clear message when the upstream cannot be reached", async () => {
    const port = await freePort()
    const nowhere = `http://127.0.0.1:${port}`
    const r = await rig({}, { openai: `${nowhere}/v1`, gemini: nowhere })
    const cases: ReadonlyArray<[string, RequestInit]> = [
      ["/v1/chat/completions", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ ...CALLS[0]!.body, stream: true }) }],
      ["/v1/responses", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ ...CALLS[1]!.body, tools: TOOLS["openai-responses"] }) }],
      ["/v1beta/models/x:generateContent", { method: "POST", headers: JSON_HEADERS, body: "[1,2" }],
      ["/v1/models", { method: "GET" }],
      ["/v1/files", { method: "POST", headers: { "x-headroom-bypass": "1" }, body: "abc" }]
    ]
    for (const [path, init] of cases) {
      const t0 = Date.now()
      const message = proxyError(await call(`${r.proxy.url}${path}`, init), 502, "upstream_unreachable")
      expect(Date.now() - t0).toBeLessThan(2_000)
      expect(message).toBe(`headroom proxy: 127.0.0.1:${port}: ECONNREFUSED`)
    }
    expect(r.proxy.metrics.snapshot().failures["upstream-unreachable"]).toBe(cases.length)
    await stillServing(r)
  }, T)
})

describe("proxy faults: bodies", () => {
  /** Sends a body to a model path; it must arrive upstream byte for byte (or, declaring a tool, with headroom_retrieve added). */
  const forwarded = async (r: Rig, c: (typeof CALLS)[number], body: Buffer) => {
    r.up.received.length = 0
    r.up.handler = answer
    const a = await call(`${r.proxy.url}${c.path}`, { method: "POST", headers: JSON_HEADERS, body })
    expect(a.status).toBe(200)
    expect(r.up.received).toHaveLength(1)
    const got = r.up.received[0]!.body
    if (got.equals(body)) return
    // The one change a body the proxy does not compress may get: the tool it offers, added to those declared.
    const json = JSON.parse(body.toString("utf8")) as Record<string, any>
    expect(got.toString("utf8")).toBe(JSON.stringify(WIRES[c.provider].withTool(json)))
  }

  /** Bodies that are not JSON at all: text, bytes (not UTF-8 either), valid requests cut short. */
  const notJson = fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.tuple(fc.constantFrom(...CALLS), fc.nat()).map(([c, n]) => {
      const s = JSON.stringify(c.body)
      return Buffer.from(s.slice(0, n % s.length))
    })
  ).filter((b) => {
    try {
      JSON.parse(b.toString("utf8"))
      return false
    } catch {
      return true
    }
  })

  /** Values that are no list of messages. */
  const notMessages = fc.oneof(
    fc.integer(),
    fc.string(),
    fc.constant(null),
    fc.boolean(),
    fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 }))), { minLength: 1, maxLength: 4 })
  )

  /** Valid requests made wrong: their list of messages replaced, or a message's fields given values of the wrong type. */
  const mutated = fc.tuple(fc.constantFrom(...CALLS), fc.boolean(), fc.jsonValue({ maxDepth: 3 }), notMessages, fc.nat({ max: 3 })).map(
    ([c, tools, value, messages, how]) => {
      const body: Record<string, any> = structuredClone(c.body)
      if (tools) body.tools = TOOLS[c.provider]
      const key = c.provider === "gemini" ? "contents" : c.provider === "openai-responses" ? "input" : "messages"
      if (how === 0) body[key] = messages
      else if (how === 1) body[key][0].role = value
      else if (how === 2) body[key][0][c.provider === "gemini" ? "parts" : "content"] = value
      else body[key].push(value)
      return { c, body: Buffer.from(JSON.stringify(body)) }
    }
  )

  it("forwards any JSON value, and any body that is not JSON, byte for byte to every model path", async () => {
    const r = await rig()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLS), fc.oneof(fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? "null")), notJson), async (c, body) => {
        r.up.received.length = 0
        const a = await call(`${r.proxy.url}${c.path}`, { method: "POST", headers: JSON_HEADERS, body })
        expect(a.status).toBe(200)
        expect(r.up.received).toHaveLength(1)
        expect(r.up.received[0]!.body.equals(body)).toBe(true)
      }),
      { numRuns: 150 }
    )
    for (const c of CALLS) await forwarded(r, c, Buffer.alloc(0))
    expect(r.up.received[0]!.headers["content-length"]).toBe("0")
    await stillServing(r)
  }, T)

  it("forwards requests with messages of the wrong types as they came", async () => {
    const r = await rig()
    await fc.assert(
      fc.asyncProperty(mutated, async ({ c, body }) => {
        await forwarded(r, c, body)
      }),
      { numRuns: 150 }
    )
    // A list of messages that is no list: even declaring a tool, nothing is added.
    for (const c of CALLS) {
      const key = c.provider === "gemini" ? "contents" : c.provider === "openai-responses" ? "input" : "messages"
      for (const junk of [5, "hi", null, { role: "user" }, [1, "two"]]) {
        // A string is a Responses request's input in its short form: a valid request.
        if (junk === "hi" && c.provider === "openai-responses") continue
        const body = Buffer.from(JSON.stringify({ ...c.body, tools: TOOLS[c.provider], [key]: junk }))
        r.up.received.length = 0
        await call(`${r.proxy.url}${c.path}`, { method: "POST", headers: JSON_HEADERS, body })
        expect(r.up.received[0]!.body.equals(body)).toBe(true)
      }
    }
    expect(r.proxy.metrics.snapshot().failures["compress-error"]).toBeUndefined()
    await stillServing(r)
  }, T)

  it("forwards a 50 MB body intact under the default limit", async () => {
    const r = await rig()
    // JSON of the right shape, one 50 MB message: over what the proxy compresses, under what it accepts.
    const text = "x".repeat(50 * 1024 * 1024)
    for (const c of [CALLS[2]!, CALLS[3]!]) {
      const body = Buffer.from(JSON.stringify(c.provider === "gemini" ? { contents: [{ role: "user", parts: [{ text }] }] } : { ...c.body, messages: [{ role: "user", content: text }] }))
      r.up.received.length = 0
      const a = await call(`${r.proxy.url}${c.path}`, { method: "POST", headers: JSON_HEADERS, body })
      expect(a.status).toBe(200)
      expect(r.up.received).toHaveLength(1)
      expect(r.up.received[0]!.body.length).toBe(body.length)
      expect(sha(r.up.received[0]!.body)).toBe(sha(body))
    }
    await stillServing(r)
  }, 40_000)

  it("refuses a body over maxBodyBytes with 413, and nothing goes upstream", async () => {
    const r = await rig({ maxBodyBytes: 64 * 1024 })
    for (const c of CALLS) {
      for (const size of [64 * 1024 + 1, 5 * 1024 * 1024]) {
        r.up.received.length = 0
        const a = await call(`${r.proxy.url}${c.path}`, { method: "POST", headers: JSON_HEADERS, body: Buffer.alloc(size, "a") })
        expect(proxyError(a, 413, "request_too_large")).toBe("headroom proxy: the body is over 65536 bytes")
        expect(r.up.received).toHaveLength(0)
      }
      // At the limit it goes.
      await forwarded(r, c, Buffer.alloc(64 * 1024, " "))
    }
    expect(r.proxy.metrics.snapshot().requests.anthropic?.refused).toBe(2)
    await stillServing(r)
  }, T)
})

describe("proxy faults: headers and keys", () => {
  it("never writes a key to its log, even for requests that fail; the upstream gets them untouched", async () => {
    const up = await startUpstream()
    onTestFinished(() => up.close())
    const port = await freePort()
    const p = await cli(["--verbose", "--upstream-anthropic", up.url, "--upstream-gemini", up.url, "--upstream-openai", `http://127.0.0.1:${port}/v1`])
    const SECRETS = {
      anthropic: "sk-ant-SECRET-a1b2c3d4e5f6",
      bearer: "sk-SECRET-openai-9f8e7d6c5b4a",
      goog: "AIzaSECRET-goog-0123456789",
      query: "AIzaSECRET-query-abcdef"
    }
    const anthropicHeaders = { ...JSON_HEADERS, "x-api-key": SECRETS.anthropic, "anthropic-version": "2023-06-01" }
    const bearer = { ...JSON_HEADERS, authorization: `Bearer ${SECRETS.bearer}` }
    const goog = { ...JSON_HEADERS, "x-goog-api-key": SECRETS.goog }
    const requests: ReadonlyArray<[string, RequestInit, number]> = [
      ["/v1/messages", { method: "POST", headers: anthropicHeaders, body: JSON.stringify(CALLS[2]!.body) }, 200],
      ["/v1/messages", { method: "POST", headers: anthropicHeaders, body: "{bad json" }, 200],
      ["/v1/messages", { method: "POST", headers: anthropicHeaders, body: JSON.stringify(bigToolResultRequest()) }, 200],
      ["/v1/messages", { method: "POST", headers: { ...bearer, "anthropic-version": "2023-06-01" }, body: JSON.stringify(CALLS[2]!.body) }, 200],
      ["/v1/chat/completions", { method: "POST", headers: bearer, body: JSON.stringify(CALLS[0]!.body) }, 502],
      ["/v1/responses", { method: "POST", headers: bearer, body: "not json" }, 502],
      ["/v1/models", { method: "GET", headers: { authorization: `Bearer ${SECRETS.bearer}` } }, 502],
      ["/v1beta/models/x:generateContent", { method: "POST", headers: goog, body: JSON.stringify(CALLS[3]!.body) }, 200],
      [`/v1beta/models/x:generateContent?key=${SECRETS.query}`, { method: "POST", headers: JSON_HEADERS, body: "[" }, 200],
      [`/v1beta/models?key=${SECRETS.query}`, { method: "GET" }, 200]
    ]
    for (const [path, init, status] of requests) {
      // The upstream refuses some as a provider would: an error it sends back must not bring a key to the log either.
      up.handler = (req) => req.path.includes(SECRETS.query) && req.method === "POST" ? errorReply("gemini", 400) : answer(req)
      const a = await call(`${p.url}${path}`, init)
      expect(a.status, path).toBe(status === 200 && path.includes(`key=${SECRETS.query}`) && init.method === "POST" ? 400 : status)
    }
    // One line per request; give the last a moment to be written.
    expect(await until(() => p.stderr().split("\n").filter((l) => / · \+\d+\.\d ms$/.test(l)).length === requests.length, 2_000)).toBe(true)
    const log = p.stderr()
    for (const secret of Object.values(SECRETS)) expect(log).not.toContain(secret)
    expect(log).not.toMatch(/SECRET/)
    expect(log).toMatch(/^headroom proxy: POST \/v1\/messages 200 · [\d,]+ → [\d,]+ tokens · \+\d+\.\d ms$/m)
    expect(log).toMatch(/^headroom proxy: POST \/v1\/chat\/completions 502 · \+\d+\.\d ms$/m)
    expect(log).toMatch(/^headroom proxy: GET \/v1beta\/models 200 · \+\d+\.\d ms$/m)

    // What reached the upstream: the keys, untouched.
    const seen = up.received
    expect(seen.filter((r) => r.headers["x-api-key"] === SECRETS.anthropic)).toHaveLength(3)
    expect(seen.filter((r) => r.headers.authorization === `Bearer ${SECRETS.bearer}`)).toHaveLength(1)
    expect(seen.filter((r) => r.headers["x-goog-api-key"] === SECRETS.goog)).toHaveLength(1)
    expect(seen.filter((r) => r.path.endsWith(`?key=${SECRETS.query}`)).map((r) => r.path)).toEqual([
      `/v1beta/models/x:generateContent?key=${SECRETS.query}`,
      `/v1beta/models?key=${SECRETS.query}`
    ])
  }, 30_000)

  it("x-headroom-bypass: 1 sends the exact bytes, without the header", async () => {
    const r = await rig()
    const body = JSON.stringify(bigToolResultRequest())
    // Without it the tool result is compressed...
    await call(`${r.proxy.url}/v1/messages`, { method: "POST", headers: JSON_HEADERS, body })
    expect(r.up.received[0]!.body.length).toBeLessThan(body.length / 4)
    // ...with it, not.
    for (const stream of [false, true]) {
      r.up.received.length = 0
      const sent = Buffer.from(JSON.stringify(bigToolResultRequest(stream)))
      const a = await call(`${r.proxy.url}/v1/messages`, { method: "POST", headers: { ...JSON_HEADERS, "x-headroom-bypass": "1", "x-api-key": "sk-ant-test" }, body: sent })
      expect(a.status).toBe(200)
      expect(r.up.received).toHaveLength(1)
      expect(r.up.received[0]!.body.equals(sent)).toBe(true)
      expect(r.up.received[0]!.headers["x-headroom-bypass"]).toBeUndefined()
      expect(r.up.received[0]!.headers["x-api-key"]).toBe("sk-ant-test")
      expect(r.up.received[0]!.headers["content-length"]).toBe(String(sent.length))
    }
    expect(r.proxy.metrics.snapshot().requests.anthropic).toMatchObject({ compressed: 1, bypass: 2 })
    await stillServing(r)
  }, T)

  it("with a token, refuses requests without it (401, nothing upstream) and never forwards it", async () => {
    const token = "tok-5b1d7f3a9c2e"
    const r = await rig({ token })
    const health = await call(`${r.proxy.url}/health`)
    expect(health.status).toBe(200)
    const refused: ReadonlyArray<[string, RequestInit]> = [
      ["/v1/messages", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(CALLS[2]!.body) }],
      ["/v1/messages", { method: "POST", headers: { ...JSON_HEADERS, "x-headroom-token": "wrong" }, body: JSON.stringify(CALLS[2]!.body) }],
      ["/v1/chat/completions", { method: "POST", headers: { ...JSON_HEADERS, "x-headroom-bypass": "1" }, body: JSON.stringify(CALLS[0]!.body) }],
      ["/v1/models", {}],
      ["/stats", {}],
      ["/metrics", {}]
    ]
    for (const [path, init] of refused) {
      expect(proxyError(await call(`${r.proxy.url}${path}`, init), 401, "authentication_error")).toContain("x-headroom-token")
    }
    expect(r.up.received).toHaveLength(0)
    const headers = { ...JSON_HEADERS, "x-headroom-token": token }
    for (const c of CALLS) {
      const a = await call(`${r.proxy.url}${c.path}`, { method: "POST", headers, body: JSON.stringify(c.body) })
      expect(a.status).toBe(200)
    }
    expect((await call(`${r.proxy.url}/v1/models`, { headers })).status).toBe(200)
    expect((await call(`${r.proxy.url}/stats`, { headers })).status).toBe(200)
    expect(r.up.received).toHaveLength(CALLS.length + 1)
    for (const got of r.up.received) expect(got.headers["x-headroom-token"]).toBeUndefined()
    expect(r.proxy.metrics.snapshot().failures.unauthorized).toBe(refused.length)
  }, T)
})

describe("proxy faults: reporting and stopping", () => {
  it("counts the traffic in /metrics (Prometheus text) and /stats (JSON)", async () => {
    const r = await rig({}, { gemini: `http://127.0.0.1:${await freePort()}` })
    const post = (path: string, body: string) => call(`${r.proxy.url}${path}`, { method: "POST", headers: JSON_HEADERS, body })
    expect((await post("/v1/messages", JSON.stringify(bigToolResultRequest()))).status).toBe(200) // compressed
    expect((await post("/v1/chat/completions", JSON.stringify(CALLS[0]!.body))).status).toBe(200) // unchanged
    expect((await post("/v1/chat/completions", "{oops")).status).toBe(200) // bad body, forwarded
    expect((await call(`${r.proxy.url}/v1/models`)).status).toBe(200) // forwarded
    expect((await post("/v1beta/models/x:generateContent", JSON.stringify(CALLS[3]!.body))).status).toBe(502)
    r.up.handler = () => ({ ...textReply("openai-responses", "a b c", { stream: true }), reset: true })
    await readAll(await fetch(`${r.proxy.url}/v1/responses`, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ ...CALLS[1]!.body, stream: true }) }))

    const res = await fetch(`${r.proxy.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4")
    const text = await res.text()
    const samples = new Map<string, number>()
    for (const line of text.trimEnd().split("\n")) {
      if (line.startsWith("#")) {
        expect(line).toMatch(/^# (HELP|TYPE) headroom_proxy_\w+ .+$/)
        continue
      }
      const m = /^(headroom_proxy_\w+(?:\{[a-z]+="[^"]*"(?:,[a-z]+="[^"]*")*\})?) (\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/.exec(line)
      expect(m, line).not.toBeNull()
      samples.set(m![1]!, Number(m![2]))
    }
    expect(text).toContain("# TYPE headroom_proxy_requests_total counter")
    expect(text).toContain("# TYPE headroom_proxy_overhead_seconds histogram")
    expect(samples.get('headroom_proxy_requests_total{provider="anthropic",outcome="compressed"}')).toBe(1)
    expect(samples.get('headroom_proxy_requests_total{provider="openai-chat",outcome="unchanged"}')).toBe(2)
    expect(samples.get('headroom_proxy_requests_total{provider="openai",outcome="forwarded"}')).toBe(1)
    expect(samples.get('headroom_proxy_requests_total{provider="gemini",outcome="unchanged"}')).toBe(1)
    expect(samples.get('headroom_proxy_failures_total{reason="bad-body"}')).toBe(1)
    expect(samples.get('headroom_proxy_failures_total{reason="upstream-unreachable"}')).toBe(1)
    expect(samples.get('headroom_proxy_failures_total{reason="upstream-cut"}')).toBe(1)
    expect(samples.get('headroom_proxy_tokens_before_total{provider="anthropic",stage="crush"}')).toBeGreaterThan(
      samples.get('headroom_proxy_tokens_after_total{provider="anthropic",stage="crush"}')! * 4
    )
    // The histogram: cumulative buckets, +Inf equal to the count, one observation per model call.
    const buckets = [...samples].filter(([k]) => k.startsWith("headroom_proxy_overhead_seconds_bucket"))
    expect(buckets.length).toBeGreaterThan(5)
    expect(buckets.at(-1)![0]).toBe('headroom_proxy_overhead_seconds_bucket{le="+Inf"}')
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]![1]).toBeGreaterThanOrEqual(buckets[i - 1]![1])
    expect(buckets.at(-1)![1]).toBe(5)
    expect(samples.get("headroom_proxy_overhead_seconds_count")).toBe(5)
    expect(samples.get("headroom_proxy_overhead_seconds_sum")).toBeGreaterThan(0)

    const stats = JSON.parse((await call(`${r.proxy.url}/stats`)).body.toString())
    expect(stats).toMatchObject({
      requests: { anthropic: { compressed: 1 }, "openai-chat": { unchanged: 2 }, openai: { forwarded: 1 }, gemini: { unchanged: 1 }, "openai-responses": { unchanged: 1 } },
      failures: { "bad-body": 1, "upstream-unreachable": 1, "upstream-cut": 1 },
      retrievals: 0
    })
    expect(stats.tokensBefore).toBeGreaterThan(stats.tokensAfter * 4)
    expect(stats.saved).toBeGreaterThan(0.75)
    expect(stats.stages.crush.tokensBefore).toBe(stats.tokensBefore)
    expect(stats.overheadMs.samples).toBe(5)
    expect(stats.overheadMs.p99).toBeGreaterThanOrEqual(stats.overheadMs.p50)
  }, T)

  it("exits 0 promptly on SIGTERM, even with a request in flight", async () => {
    const silent = await silentUpstream()
    const p = await cli(["--upstream-anthropic", silent.url])
    expect((await call(`${p.url}/health`)).status).toBe(200)
    const inflight = fetch(`${p.url}/v1/messages`, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ ...CALLS[2]!.body, stream: true }) }).then(
      (res) => readAll(res),
      (error) => ({ error })
    )
    expect(await until(() => silent.requests() === 1, 5_000)).toBe(true)
    const t0 = Date.now()
    p.child.kill("SIGTERM")
    expect(await p.exit).toBe(0)
    // Measured in tens of milliseconds; the bound leaves room for a loaded machine. (A process
    // exits only once V8 has finished compiling WebAssembly in the background: the proxy warms few
    // grammars, so that is over soon after start.)
    expect(Date.now() - t0).toBeLessThan(3_000)
    // The request in flight ends with an error, not a hang; the upstream request is let go.
    expect((await inflight).error).toBeDefined()
    expect(await until(() => silent.closed() === 1, 3_000)).toBe(true)
    expect(p.stderr()).not.toMatch(/error/i)
  }, T)
})
