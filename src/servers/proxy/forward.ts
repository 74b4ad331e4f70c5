/**
 * Sending a request upstream and relaying the answer: headers as they came (auth untouched),
 * hop-by-hop ones dropped, the body given (compressed, or the client's own bytes); the answer's
 * status, headers and bytes reach the client as they arrive — piped, so a slow client slows the
 * upstream (back-pressure) and a client that hangs up cancels the upstream request. Nothing is
 * ever retried: the upstream may have billed it.
 *
 * @since 0.3.0
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http"
import https from "node:https"

/** Headers of one connection, not of the message: never forwarded either way. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authorization", "transfer-encoding", "te", "trailer", "upgrade", "host"])

/** Headers meant for the proxy itself: never sent upstream. */
export const PROXY_HEADERS = new Set(["x-headroom-bypass", "x-headroom-token"])

const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: Infinity }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: Infinity })
}

/** The client's headers for the upstream: without hop-by-hop and proxy headers, with the body's length. */
export const upstreamHeaders = (headers: IncomingHttpHeaders, bodyLength: number | undefined): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || PROXY_HEADERS.has(name)) continue
    if (name === "content-length" && bodyLength !== undefined) continue
    out[name] = value
  }
  if (bodyLength !== undefined) out["content-length"] = String(bodyLength)
  return out
}

/** The upstream's headers for the client, without hop-by-hop ones. */
const clientHeaders = (headers: IncomingHttpHeaders): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value
  return out
}

export interface Outgoing {
  readonly url: URL
  readonly method: string
  readonly headers: Record<string, string | Array<string>>
  /** The body: text, bytes, or the client's request streamed through as it comes. */
  readonly body: string | Uint8Array | IncomingMessage | undefined
  /** Milliseconds the upstream may stay silent (before answering, or between bytes) before it is given up. */
  readonly idleTimeoutMs: number
}

/** Why a request did not reach an answer from the upstream. */
export class UpstreamFailure extends Error {
  constructor(readonly reason: "unreachable" | "timeout" | "reset", message: string) {
    super(message)
  }
}

/** A time as people write it: `300 ms`, `600 s`. */
const duration = (ms: number): string => (ms < 1000 || ms % 1000 !== 0 ? `${ms} ms` : `${ms / 1000} s`)

/**
 * Sends a request upstream; resolves with the upstream's response once its headers arrive. The
 * returned `cancel` aborts it (the client went away).
 *
 * The one case sent twice: a kept-alive socket the upstream closed just as this request went out
 * on it (ECONNRESET on a reused socket, nothing answered). The upstream had ended that connection,
 * so it never read the request: sending it again on a new socket bills nothing twice. A body
 * streamed from the client cannot be sent twice; it fails as it is.
 */
export const request = (out: Outgoing): { readonly response: Promise<IncomingMessage>; readonly cancel: () => void } => {
  const client = out.url.protocol === "https:" ? https : http
  let current: http.ClientRequest | undefined
  let cancelled = false
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    const attempt = (again: boolean) => {
      // Sent again, on a connection of its own: the pool may hold more sockets the upstream closed.
      const agent = again ? false : agents[out.url.protocol as "http:" | "https:"]
      const req = client.request(out.url, { method: out.method, headers: out.headers, agent })
      current = req
      req.on("response", resolve)
      req.on("error", (e: NodeJS.ErrnoException) => {
        const replayable = out.body === undefined || typeof out.body === "string" || out.body instanceof Uint8Array
        if (!again && !cancelled && replayable && req.reusedSocket && e.code === "ECONNRESET") return attempt(true)
        reject(e instanceof UpstreamFailure ? e : new UpstreamFailure(e.code === "ECONNRESET" ? "reset" : "unreachable", `${out.url.host}: ${e.code ?? e.message}`))
      })
      req.setTimeout(out.idleTimeoutMs, () => req.destroy(new UpstreamFailure("timeout", `${out.url.host} sent nothing for ${duration(out.idleTimeoutMs)}`)))
      if (out.body === undefined) req.end()
      else if (typeof out.body === "string" || out.body instanceof Uint8Array) req.end(out.body)
      else out.body.pipe(req)
    }
    attempt(false)
  })
  return {
    response,
    cancel: () => {
      cancelled = true
      current?.destroy()
    }
  }
}

/**
 * Relays an upstream response to the client as it arrives. `tap` sees each chunk as it passes
 * (for usage figures); resolves when the client has all of it, or when either side went away.
 */
export const relay = (upstream: IncomingMessage, res: ServerResponse, tap?: (chunk: Buffer) => void): Promise<"done" | "client-gone" | "upstream-cut"> =>
  new Promise((resolve) => {
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, clientHeaders(upstream.headers))
    res.flushHeaders()
    let settled = false
    const settle = (how: "done" | "client-gone" | "upstream-cut") => {
      if (!settled) resolve(how)
      settled = true
    }
    if (tap) upstream.on("data", tap)
    upstream.pipe(res)
    // A client gone before the end: stop reading the upstream, which cancels its request.
    res.on("close", () => {
      if (!res.writableFinished) {
        upstream.destroy()
        settle("client-gone")
      }
    })
    res.on("finish", () => settle("done"))
    // An upstream cut mid-answer: cut the client's too, so it sees the stream end early, as it would directly.
    upstream.on("aborted", () => {
      res.destroy()
      settle("upstream-cut")
    })
    upstream.on("error", () => {
      res.destroy()
      settle("upstream-cut")
    })
  })

/** A proxy's own error as JSON, in the shape the SDKs read (`error.type`, `error.message`). */
export const sendError = (res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void => {
  if (res.headersSent) return void res.destroy()
  const body = JSON.stringify({ type: "error", error: { type, message: `headroom proxy: ${message}` } })
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers })
  res.end(body)
}
