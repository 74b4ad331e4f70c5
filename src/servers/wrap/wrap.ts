/**
 * `headroom wrap <agent>`: the agent runs as always — same terminal, stdin, signals and exit code —
 * with its model calls going through a headroom proxy the supervisor keeps alive. Its shell finds
 * `headroom` on its PATH, so the markers' `headroom ccr-get …` works from inside it.
 *
 * @since 0.4.0
 */
import { spawn } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { constants as os } from "node:os"
import { delimiter, dirname, join } from "node:path"
import type { Agent, Env } from "./agent.ts"
import { supervise } from "./supervisor.ts"

export interface WrapOptions {
  readonly agent: Agent
  /** The user's arguments for the agent. */
  readonly args: ReadonlyArray<string>
  readonly port: number
  readonly env: NodeJS.ProcessEnv
  /** The headroom command: node and the bin script (its directory goes on the agent's PATH). */
  readonly command: readonly [string, string]
  readonly say: (line: string) => void
}

/** Why wrap could not run the agent: said in one line, with the exit status to end with. */
export class WrapError extends Error {
  constructor(message: string, readonly status: number) {
    super(message)
  }
}

/** The path of an executable on a PATH, or undefined. */
export const which = (name: string, path: string | undefined): string | undefined => {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not here.
    }
  }
  return undefined
}

/** The environment the agent runs in: the user's, the descriptor's variables, headroom on the PATH. */
export const agentEnv = (agent: Agent, proxy: string, env: Env, binDir: string): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  Object.assign(out, agent.env(proxy, env))
  out.PATH = env.PATH ? `${binDir}${delimiter}${env.PATH}` : binDir
  return out
}

/** Runs the agent behind the proxy; resolves with its exit status and when it started. */
export const wrap = async (o: WrapOptions): Promise<{ readonly status: number; readonly since: number }> => {
  const { agent } = o
  const why = agent.unsupported?.(o.env)
  if (why !== undefined) throw new WrapError(why, 2)
  const executable = agent.executable && which(agent.executable, o.env.PATH)
  if (executable === undefined || executable === "") {
    throw new WrapError(`${agent.title} (${agent.executable}) is not on your PATH; install it with: ${agent.install}`, 127)
  }
  const own = agent.upstream?.(o.env)
  const supervisor = await supervise({
    port: o.port,
    command: o.command,
    upstreams: own ? { [own.kind]: own.url } : {},
    env: o.env,
    say: o.say
  }).catch((e: Error) => {
    throw new WrapError(e.message, 1)
  })
  const since = Date.now()
  const child = spawn(executable, [...(agent.args?.(supervisor.url, o.env) ?? []), ...o.args], {
    stdio: "inherit",
    env: agentEnv(agent, supervisor.url, o.env, dirname(o.command[1]))
  })
  // The terminal sends Ctrl-C to the agent itself (same process group): wrap waits for it to
  // decide. Signals sent to wrap alone are passed on.
  const ignore = () => undefined
  const pass = (signal: NodeJS.Signals) => child.kill(signal)
  process.on("SIGINT", ignore)
  process.on("SIGTERM", pass)
  process.on("SIGHUP", pass)
  const status = await new Promise<number>((resolve) => {
    child.once("error", (e) => {
      o.say(`headroom wrap: ${agent.executable}: ${e.message}`)
      resolve(126)
    })
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? os.signals[signal] : 0)))
  })
  process.off("SIGINT", ignore)
  process.off("SIGTERM", pass)
  process.off("SIGHUP", pass)
  await supervisor.stop()
  return { status, since }
}
