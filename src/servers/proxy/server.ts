/**
 * `headroom proxy`: an HTTP server between any OpenAI, Anthropic or Gemini client and its
 * upstream. A model call (`/v1/chat/completions`, `/v1/responses`, `/v1/messages`, Gemini's
 * `:generateContent` and `:streamGenerateContent`) has its body compressed by `compressRequest`
 * — from its bytes, parsing only what the last request did not have and writing the compressed
 * texts into the client's own bytes (compress-body.ts) — and is forwarded; everything else is
 * forwarded as it came. Answers are relayed as they arrive.
 *
 * It only assembles: routes (routes.ts) say where a request goes, the pipeline compresses, forward
 * sends and relays, metrics count. It speaks Node's own HTTP rather than an HTTP framework because
 * a proxy lives on the details of the socket — bytes relayed the moment they arrive, back-pressure,
 * a hang-up cancelling the upstream — while the compression is an Effect run on the services.
 *
 * Fail open: a body that is not JSON, or compression that fails, forwards the client's own bytes; a
 * new tool result or image not compressed within the budget goes as it came, and stays so on later
 * turns, while the history keeps the form it was sent in before (a cache the provider holds for it
 * stays good). The proxy never retries and never answers for the upstream,
 * except with its own clear error when the upstream cannot be reached.
 *
 * @since 0.3.0
 */
import { Duration, Effect, type ManagedRuntime, Option } from "effect"
import http, { type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Config } from "../../core/config.ts"
import { VERSION } from "../../core/version.ts"
import { Bodies, type Parsed } from "../../pipeline/compress-body.ts"
import type { RequestStats } from "../../pipeline/compress-request.ts"
import { Memo } from "../../pipeline/memo.ts"
import { DEFAULT_RULES } from "../../pipeline/rules.ts"
import type { Services } from "../../runtime.ts"
import { warmUp } from "../../stages/code/parser.ts"
import { relay, request, sendError, UpstreamFailure, upstreamHeaders } from "./forward.ts"
import { clientOf, type LedgerEntry, modelOf, record } from "./ledger.ts"
import { type Failure, Metrics } from "./metrics.ts"
import { DEFAULT_UPSTREAMS, type ModelCall, modelCallOf, pathOnly, targetOf, type Upstream, upstreamOf } from "./routes.ts"
import { runLoop, WIRES } from "./retrieve/loop.ts"
import { answerCall, offersRetrieve, type RetrieveCall } from "./retrieve/tool.ts"
import { UsageTap } from "./usage.ts"

export interface ProxyOptions {
  readonly port: number
  readonly host: string
  readonly upstreams: Record<Upstream, string>
  /** When set, every request but `GET /health` must carry it in `x-headroom-token`. */
  readonly token?: string | undefined
  /**
   * Milliseconds the new blocks of a request may take to compress: those not done by then go as
   * they came (and stay so). The whole request goes as it came if compression has not ended
   * `BACKSTOP_MS` later (work that never yields cannot be cut short).
   */
  readonly budgetMs: number
  /** Milliseconds an upstream may stay silent before the client gets an error. */
  readonly idleTimeoutMs: number
  /** Bodies larger than this are refused (413); compressed up to `compressBytes`, forwarded as they are above it. */
  readonly maxBodyBytes: number
  readonly compressBytes: number
  /** One line per request on stderr: method, path, status, tokens, time — never headers or bodies. */
  readonly verbose?: boolean | undefined
}

/** How long after its budget a request's compression may still end before the request goes as it came. */
const BACKSTOP_MS = 1_000

export const DEFAULT_OPTIONS: ProxyOptions = {
  port: 8787,
  host: "127.0.0.1",
  upstreams: DEFAULT_UPSTREAMS,
  budgetMs: 2_000,
  idleTimeoutMs: 600_000,
  maxBodyBytes: 100 * 1024 * 1024,
  compressBytes: 32 * 1024 * 1024
}

export interface Proxy {
  readonly url: string
  readonly metrics: Metrics
  close(): Promise<void>
}

/** A body read whole, or why not. */
type Body = { readonly bytes: Buffer } | { readonly tooLarge: true } | { readonly gone: true }

const readBody = (req: IncomingMessage, max: number): Promise<Body> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        req.removeAllListeners("data")
        req.resume()
        resolve({ tooLarge: true })
      } else chunks.push(chunk)
    })
    req.on("end", () => resolve({ bytes: Buffer.concat(chunks) }))
    req.on("error", () => resolve({ gone: true }))
    req.on("aborted", () => resolve({ gone: true }))
  })

const FAILURE_OF: Record<UpstreamFailure["reason"], Failure> = { unreachable: "upstream-unreachable", timeout: "upstream-timeout", reset: "upstream-cut" }

export const startProxy = async (options: ProxyOptions, runtime: ManagedRuntime.ManagedRuntime<Services, unknown>): Promise<Proxy> => {
  const metrics = new Metrics()
  const memo = new Memo()
  const bodies = new Bodies()
  const settings = await runtime.runPromise(Effect.gen(function*() {
    return yield* Config
  }))
  const rules = [...(settings.tools ?? []), ...DEFAULT_RULES]

  /** The body parsed, or undefined when it is not JSON (it goes as it came). */
  const parsed = (call: ModelCall, bytes: Buffer): Parsed | undefined => {
    if (bytes.length > options.compressBytes) return undefined
    try {
      return bodies.parse(bytes, call.provider)
    } catch {
      return void metrics.failure("bad-body")
    }
  }

  /**
   * The body compressed (`json` and `bytes` undefined when nothing was made smaller), with its
   * stats; undefined when compression failed or ran out of time (and why, counted): the body goes
   * as it came.
   */
  const compressed = async (call: ModelCall, body: Parsed): Promise<{ json?: Record<string, any>; bytes?: Buffer; stats: RequestStats } | undefined> => {
    const run = bodies.compress(body, { provider: call.provider, memo, budgetMs: options.budgetMs }).pipe(
      Effect.timeoutOption(Duration.millis(options.budgetMs + BACKSTOP_MS))
    )
    const result = await runtime.runPromise(run).catch(() => "error" as const)
    if (result === "error") return void metrics.failure("compress-error")
    if (Option.isNone(result)) return void metrics.failure("compress-timeout")
    const { body: json, bytes, stats } = result.value
    if (stats.overBudget !== undefined) metrics.failure("over-budget", stats.overBudget)
    if (bytes === undefined) return { stats }
    for (const [stage, s] of Object.entries(stats.stages)) metrics.tokensOf(call.provider, stage, s.tokensBefore, s.tokensAfter)
    return { json: json as Record<string, any>, bytes, stats }
  }

  /** The client's answer when the upstream gave none: the proxy's own clear error. */
  const failed = (res: ServerResponse, e: unknown) => {
    if (res.destroyed) return void metrics.failure("client-gone")
    const failure = e instanceof UpstreamFailure ? e : new UpstreamFailure("unreachable", String(e))
    metrics.failure(FAILURE_OF[failure.reason])
    if (failure.reason === "timeout") sendError(res, 504, "upstream_timeout", failure.message)
    else sendError(res, 502, "upstream_unreachable", failure.message)
  }

  const counted = (how: "done" | "client-gone" | "upstream-cut") => {
    if (how !== "done") metrics.failure(how)
  }

  /** Sends a request upstream and relays the answer; the proxy's own error when there is none. */
  const forward = async (
    req: IncomingMessage,
    res: ServerResponse,
    upstream: Upstream,
    body: string | Buffer | IncomingMessage | undefined,
    watch?: (answer: IncomingMessage) => (chunk: Buffer) => void
  ) => {
    const outgoing = request({
      url: targetOf(options.upstreams[upstream], req.url ?? "/"),
      method: req.method ?? "GET",
      headers: upstreamHeaders(req.headers, typeof body === "string" ? Buffer.byteLength(body) : body instanceof Buffer ? body.length : undefined),
      body,
      idleTimeoutMs: options.idleTimeoutMs
    })
    res.on("close", () => {
      if (!res.writableFinished) outgoing.cancel()
    })
    try {
      const answer = await outgoing.response
      counted(await relay(answer, res, watch?.(answer)))
    } catch (e) {
      failed(res, e)
    }
  }

  /**
   * A model call: compressed, then forwarded — through the retrieval loop when the client has no
   * tool of its own to read left-out lines back — and recorded in the ledger.
   */
  const modelCall = async (req: IncomingMessage, res: ServerResponse, call: ModelCall, upstream: Upstream, bytes: Buffer) => {
    const t0 = performance.now()
    const url = req.url ?? "/"
    const body = parsed(call, bytes)
    const json = body?.json
    const smaller = body === undefined ? undefined : await compressed(call, body)
    metrics.request(call.provider, smaller?.json ? "compressed" : "unchanged")
    // The usage of the last answer the upstream gave (a retrieval's continuation is the last).
    let tap: UsageTap | undefined
    const watch = (answer: IncomingMessage) => {
      tap = new UsageTap(answer.headers)
      const mine = tap
      return (chunk: Buffer) => mine.push(chunk)
    }
    let added: number
    let retrievals = 0
    if (json !== null && typeof json === "object" && offersRetrieve(json, call.provider, rules)) {
      const wire = WIRES[call.provider]
      const first = wire.withTool(smaller?.json ?? (json as Record<string, any>))
      added = performance.now() - t0
      metrics.overhead(added)
      const send = (b: Record<string, any>) => {
        const sent = JSON.stringify(b)
        return request({
          url: targetOf(options.upstreams[upstream], url),
          method: "POST",
          headers: { ...upstreamHeaders(req.headers, Buffer.byteLength(sent)), "accept-encoding": "identity" },
          body: sent,
          idleTimeoutMs: options.idleTimeoutMs
        })
      }
      const answer = async (calls: ReadonlyArray<RetrieveCall>) => {
        for (const _ of calls) metrics.retrieval()
        retrievals += calls.length
        return runtime.runPromise(Effect.forEach(calls, (c) => Effect.map(answerCall(c), (text) => ({ call: c, text }))))
      }
      const stream = call.streamPath || (json as { stream?: unknown }).stream === true
      try {
        counted(await runLoop({ wire, stream, body: first, original: wire.withTool(json as Record<string, any>), send, answer, res, watch }))
      } catch (e) {
        failed(res, e)
      }
    } else {
      const sent = smaller?.bytes ?? bytes
      added = performance.now() - t0
      metrics.overhead(added)
      await forward(req, res, upstream, sent, watch)
    }
    const stats = smaller?.stats
    note(req, res, added, smaller?.json ? stats : undefined)
    if (json === undefined) return
    const usage = await tap?.done()
    const entry: LedgerEntry = {
      at: Date.now(),
      client: clientOf(req.headers),
      provider: call.provider,
      model: modelOf(json, url),
      tokensBefore: stats?.tokensBefore ?? 0,
      tokensAfter: stats?.tokensAfter ?? 0,
      stages: stats?.stages ?? {},
      usage,
      status: res.statusCode,
      retrievals,
      overheadMs: Math.round(added * 100) / 100
    }
    // Off the request path: the client has its answer; a store that fails costs only this record.
    runtime.runPromise(record(entry)).catch(() => metrics.failure("ledger-error"))
  }

  /** With --verbose, one line per request on stderr: its path without the query (keys travel there), status, tokens, time added. */
  const note = (req: IncomingMessage, res: ServerResponse, added: number, stats?: RequestStats) => {
    if (!options.verbose) return
    const tokens = stats ? ` · ${stats.tokensBefore.toLocaleString("en-US")} → ${stats.tokensAfter.toLocaleString("en-US")} tokens` : ""
    process.stderr.write(`headroom proxy: ${req.method} ${pathOnly(req.url ?? "/")} ${res.statusCode}${tokens} · +${added.toFixed(1)} ms\n`)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const t0 = performance.now()
    const method = req.method ?? "GET"
    const url = req.url ?? "/"
    const path = pathOnly(url)
    // It says it is headroom, and where it sends what: `headroom wrap` reuses a proxy only on that word.
    if (method === "GET" && path === "/health") return sendJson(res, 200, { status: "ok", service: "headroom", version: VERSION, pid: process.pid, upstreams: options.upstreams })
    if (options.token !== undefined && req.headers["x-headroom-token"] !== options.token) {
      metrics.failure("unauthorized")
      req.resume()
      return sendError(res, 401, "authentication_error", "this proxy wants its token in the x-headroom-token header")
    }
    if (method === "GET" && path === "/stats") return sendJson(res, 200, metrics.snapshot())
    if (method === "GET" && path === "/metrics") {
      const text = metrics.prometheus()
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4", "content-length": Buffer.byteLength(text) })
      return void res.end(text)
    }
    const upstream = upstreamOf(method, url, req.headers)
    const call = modelCallOf(method, url)
    if (call === undefined || req.headers["x-headroom-bypass"] === "1") {
      metrics.request(call?.provider ?? upstream, call ? "bypass" : "forwarded")
      const added = performance.now() - t0
      await forward(req, res, upstream, method === "GET" || method === "HEAD" ? undefined : req)
      return note(req, res, added)
    }
    const body = await readBody(req, options.maxBodyBytes)
    if ("gone" in body) return void metrics.failure("client-gone")
    if ("tooLarge" in body) {
      metrics.request(call.provider, "refused")
      sendError(res, 413, "request_too_large", `the body is over ${options.maxBodyBytes} bytes`)
      return note(req, res, performance.now() - t0)
    }
    return modelCall(req, res, call, upstream, body.bytes)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => sendError(res, 500, "proxy_error", e instanceof Error ? e.message : String(e)))
  })
  // Long model answers: no server-side limit on how long a request may take.
  server.requestTimeout = 0
  server.headersTimeout = 60_000
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port, options.host, () => resolve())
  })
  // In the background: the first requests need not pay for loading the commonest grammars (the
  // rest load on first use: each kept grammar costs memory for the life of the proxy).
  const warming = new AbortController()
  warmUp(warming.signal).catch(() => undefined)
  const address = server.address() as AddressInfo
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        warming.abort()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

const sendJson = (res: ServerResponse, status: number, value: unknown) => {
  const body = JSON.stringify(value)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
  res.end(body)
}
