/** Shared test helpers: run the real CLI, make throwaway store homes, run stages in memory. */
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Config from "../src/core/config.ts"
import type { Store } from "../src/core/store.ts"
import * as MemoryStore from "../src/store/memory.ts"

export const ROOT = join(import.meta.dirname, "..")
export const BIN = join(ROOT, "bin", "headroom")
/** Excerpts of the shared corpus, kept in the repository so tests need nothing outside it. */
export const CORPUS = join(ROOT, "fixtures", "corpus")

export interface Run {
  readonly code: number | null
  readonly stdout: Buffer
  readonly stderr: string
}

/** Runs `headroom args…` with stdin, a given HEADROOM_HOME and a timeout of its own. */
export const headroom = (
  args: ReadonlyArray<string>,
  options: { readonly input?: string | Uint8Array; readonly home: string; readonly env?: Record<string, string>; readonly timeoutMs?: number }
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, HEADROOM_HOME: options.home, ...options.env },
      stdio: ["pipe", "pipe", "pipe"]
    })
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 50_000)
    child.stdout.on("data", (d: Buffer) => out.push(d))
    child.stderr.on("data", (d: Buffer) => err.push(d))
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") })
    })
    child.stdin.on("error", () => undefined)
    child.stdin.end(options.input ?? "")
  })

/** A fresh directory under the system temp dir (short: the store's socket path must fit). */
export const tempHome = (): string => mkdtempSync(join(tmpdir(), "hr-"))

export const removeHome = (home: string) => rmSync(home, { recursive: true, force: true })

/** Runs an effect with an in-memory store and default settings. */
export const runInMemory = <A, E>(
  effect: Effect.Effect<A, E, Store | Config.Config>,
  settings: Partial<Config.Settings> = {}
): Promise<A> =>
  Effect.runPromise(
    effect.pipe(Effect.provide(Layer.merge(MemoryStore.layer(), Config.layerWith({ home: "/nonexistent", ...settings }))))
  )

import { Effect as E } from "effect"
import { lineText, splitLines } from "../src/core/lines.ts"
import { parseAll } from "../src/core/marker.ts"
import { Store as StoreService } from "../src/core/store.ts"

/**
 * Rebuilds an original from a line stage's output: each marker line is replaced by what it
 * points at — the lines of its own stored original, or (with `lines=A-B`) that range of `whole`.
 */
export const reconstruct = (output: Uint8Array, whole?: Uint8Array) =>
  E.gen(function*() {
    const store = yield* StoreService
    const wholeLines = whole ? splitLines(whole) : []
    const parts: Array<Uint8Array> = []
    for (const line of splitLines(output)) {
      // A marker line: the marker alone, or wrapped as code needs it (`/* … */`, `# …`, `...  # …`).
      const bare = lineText(line).trim().replace(/^(?:\/\* |\/\/ |# |\.\.\.  # )/, "").replace(/ \*\/$/, "")
      const [marker] = parseAll(bare)
      if (!marker || !bare.startsWith("[") || !bare.endsWith("]")) {
        parts.push(line)
        continue
      }
      const range = marker.selector?.lines
      if (range) {
        const [a, b] = range.split("-").map(Number) as [number, number]
        parts.push(...wholeLines.slice(a - 1, b))
      } else parts.push(yield* store.get(marker.key))
    }
    return Buffer.concat(parts)
  })

import { spawnSync } from "node:child_process"

/**
 * A system tool a test needs. On a machine without it the test is skipped, and says so in its
 * name (the README's `npm install && npm test` needs only Node and npm); CI installs the tools
 * and sets HEADROOM_REQUIRE_TOOLS=1, so there a missing tool fails instead.
 */
export const systemTool = (command: string, install: string) => {
  const present = spawnSync("sh", ["-c", `command -v ${command}`]).status === 0
  const skip = !present && process.env.HEADROOM_REQUIRE_TOOLS !== "1"
  return {
    skip,
    title: (title: string) => skip ? `${title} (skipped: ${command} is not installed; ${install})` : title
  }
}

/** A port nothing listens on: one the system just gave out and took back (free for a server to take, refused to a client). */
export const freePort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Bytes cut at the given offsets (taken modulo the length, in order, repeats ignored): a stream's chunks. */
export const cutAt = <B extends Uint8Array>(all: B, at: ReadonlyArray<number>): Array<B> => {
  const points = [...new Set(at.map((p) => p % (all.length + 1)))].sort((a, b) => a - b)
  const out: Array<B> = []
  let from = 0
  for (const p of points) {
    out.push(all.subarray(from, p) as B)
    from = p
  }
  out.push(all.subarray(from) as B)
  return out
}

export interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs a command to its end, stdin closed, with its output as text; killed after `timeoutMs`. The
 * environment is the test's, with `env` over it.
 */
export const runCommand = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly cwd?: string; readonly timeoutMs?: number } = {}
): Promise<Finished> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => stdout += d.toString("utf8"))
    child.stderr.on("data", (d: Buffer) => stderr += d.toString("utf8"))
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 90_000)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
