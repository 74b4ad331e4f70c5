/**
 * The proxy a wrapped agent talks to, kept alive for the session: a headroom proxy already on the
 * port is used as it is (its `/health` says headroom, and it sends the agent's provider where this
 * run needs); else one is started as a child process. Whichever it is, if it stops answering, one
 * is started again on the same port, so the agent's next request goes through.
 *
 * @since 0.4.0
 */
import { type ChildProcess, spawn } from "node:child_process"
import type { Upstream } from "../proxy/routes.ts"

export interface Health {
  readonly service: string
  readonly pid: number
  readonly upstreams: Readonly<Record<Upstream, string>>
}

/** What answers on a port: a headroom proxy, something else, or nothing. */
export const probe = async (port: number): Promise<Health | "other" | "none"> => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_500) })
    const json = (await res.json().catch(() => undefined)) as Partial<Health> | undefined
    return json?.service === "headroom" ? (json as Health) : "other"
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code
    return code === "ECONNREFUSED" ? "none" : "other"
  }
}

export interface SupervisorOptions {
  readonly port: number
  /** The headroom command to start a proxy with: node and the bin script. */
  readonly command: readonly [string, ...Array<string>]
  /** Upstreams this run needs (the user's own endpoints), passed to a proxy it starts. */
  readonly upstreams: Partial<Record<Upstream, string>>
  readonly env: NodeJS.ProcessEnv
  /** Said on stderr: what the supervisor did (a restart). */
  readonly say: (line: string) => void
}

export interface Supervisor {
  readonly url: string
  /** Stops watching, and stops the proxy if this run started it. */
  stop(): Promise<void>
}

const sameUrl = (a: string | undefined, b: string) => a !== undefined && a.replace(/\/+$/, "") === b.replace(/\/+$/, "")

/** Whether a running proxy sends each provider this run names where this run needs. */
const fits = (health: Health, upstreams: Partial<Record<Upstream, string>>) =>
  Object.entries(upstreams).every(([kind, url]) => sameUrl(health.upstreams?.[kind as Upstream], url!))

/** Starts `headroom proxy` on a port; resolves with the child once it listens, rejects with its error. */
const startChild = (options: SupervisorOptions, port: number): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const flags = Object.entries(options.upstreams).flatMap(([kind, url]) => [`--upstream-${kind}`, url!])
    const [node, ...script] = options.command
    const child = spawn(node, [...script, "proxy", "--port", String(port), ...flags], { env: options.env, stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    const onData = (d: Buffer) => {
      stderr += d.toString("utf8")
      const listening = /listening on http:\/\/[^:]+:(\d+)/.exec(stderr)
      if (listening) {
        child.stderr!.off("data", onData)
        // Drained from now on: a full pipe must never stall the proxy.
        child.stderr!.resume()
        resolve({ child, port: Number(listening[1]) })
      }
    }
    child.stderr!.on("data", onData)
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(stderr.trim().split("\n").at(-1) || `headroom proxy exited with ${code}`)))
  })

export const supervise = async (options: SupervisorOptions): Promise<Supervisor> => {
  let port = options.port
  let child: ChildProcess | undefined
  let stopping = false
  let restarting: Promise<void> | undefined

  const start = async () => {
    const started = await startChild(options, port)
    child = started.child
    port = started.port
    child.once("exit", () => {
      child = undefined
      if (!stopping) restart("stopped")
    })
  }

  /** Starts a proxy again on the same port: at once, then after short waits while the port is not free. */
  const restart = (why: string) => {
    restarting ??= (async () => {
      for (const wait of [0, 100, 300, 1_000, 2_000]) {
        if (stopping) return
        await new Promise((r) => setTimeout(r, wait))
        if ((await probe(port)) !== "none") return
        try {
          await start()
          options.say(`headroom wrap: the proxy on port ${port} ${why}; started it again`)
          return
        } catch {
          // Tried again after the next wait.
        }
      }
      options.say(`headroom wrap: the proxy on port ${port} ${why} and could not be started again`)
    })().finally(() => restarting = undefined)
  }

  // Port 0: a proxy of its own, on a free port.
  const found = port === 0 ? "none" : await probe(port)
  if (found === "other") throw new Error(`port ${port} is taken by something that is not headroom; choose another with --port`)
  if (found !== "none" && !fits(found, options.upstreams)) {
    // A headroom proxy that sends this agent's provider elsewhere: this run gets its own, on any free port.
    port = 0
  }
  if (found === "none" || port === 0) await start()

  // A proxy this run did not start is watched by asking it: its process is not ours to see.
  const watch = setInterval(() => {
    if (child === undefined && restarting === undefined) {
      probe(port).then((h) => {
        if (h === "none") restart("stopped answering")
      }, () => undefined)
    }
  }, 1_000)
  watch.unref()

  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      stopping = true
      clearInterval(watch)
      await restarting
      const c = child
      if (c === undefined || c.exitCode !== null) return
      const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()))
      c.kill("SIGTERM")
      const timer = setTimeout(() => c.kill("SIGKILL"), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}
