/** `headroom logs` as a stream: output before the input ends, and memory that does not grow with it. */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { afterAll, describe, expect, it } from "vitest"
import { parseAll } from "../src/core/marker.ts"
import { BIN, headroom, removeHome, tempHome } from "./helpers.ts"

const homes: Array<string> = []
afterAll(() => homes.forEach(removeHome))

/** A log line of one of a few templates, with varying numbers; every 997th is an error. */
const logLine = (i: number) =>
  i % 997 === 0
    ? `2026-11-20T08:00:00.${String(i % 1000).padStart(3, "0")}Z ERROR db-${i % 7} connection refused after ${i % 30}ms\n`
    : `2026-11-20T08:00:00.${String(i % 1000).padStart(3, "0")}Z INFO request ${i} served in ${i % 97}ms by worker-${i % 8}\n`

const rssOf = (pid: number): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8")
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
  } catch {
    return 0
  }
}

describe("headroom logs on endless input", () => {
  it("prints its first output within a second, while the input is still coming", async () => {
    const home = tempHome()
    homes.push(home)
    const child = spawn(process.execPath, [BIN, "logs"], { env: { ...process.env, HEADROOM_HOME: home } })
    const started = Date.now()
    let i = 0
    const writer = setInterval(() => child.stdin.write(logLine(i++)), 5)
    const firstOutput = await new Promise<number>((resolve, reject) => {
      child.stdout.once("data", () => resolve(Date.now() - started))
      setTimeout(() => reject(new Error("no output within 5 s")), 5000)
    })
    clearInterval(writer)
    child.kill("SIGKILL")
    expect(firstOutput).toBeLessThan(1000)
  })

  it("keeps its memory flat over 60 MB of input", async () => {
    const home = tempHome()
    homes.push(home)
    const child = spawn(process.execPath, [BIN, "logs"], { env: { ...process.env, HEADROOM_HOME: home }, stdio: ["pipe", "pipe", "inherit"] })
    let out = 0
    child.stdout.on("data", (d: Buffer) => (out += d.length))
    const samples: Array<[number, number]> = [] // [bytes written, rss]
    let written = 0
    const total = 60 * 1024 * 1024
    let i = 0
    const pump = () => {
      while (written < total) {
        let chunk = ""
        for (let k = 0; k < 2000; k++) chunk += logLine(i++)
        written += chunk.length
        if (i % 20_000 === 0) samples.push([written, rssOf(child.pid!)])
        if (!child.stdin.write(chunk)) return void child.stdin.once("drain", pump)
      }
      child.stdin.end()
    }
    pump()
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    expect(code).toBe(0)
    expect(out).toBeLessThan(total / 20)
    const early = samples.filter(([w]) => w > total * 0.25 && w <= total * 0.5).map(([, r]) => r)
    const late = samples.filter(([w]) => w > total * 0.75).map(([, r]) => r)
    expect(early.length).toBeGreaterThan(0)
    expect(late.length).toBeGreaterThan(0)
    // Flat: the second half of the input adds no more than 32 MB to the resident size.
    expect(Math.max(...late)).toBeLessThan(Math.max(...early) + 32 * 1024 * 1024)
  }, 120_000)

  it("cuts one huge line without a newline into head, markers and tail, and ccr-get returns every byte", async () => {
    const home = tempHome()
    homes.push(home)
    const input = Buffer.from("lorem ipsum dolor sit amet 12345 ".repeat(300_000)) // 9.9 MB, no newline
    const run = await headroom(["logs"], { input, home })
    expect(run.code).toBe(0)
    expect(run.stdout.length).toBeLessThan(3000)
    const out = run.stdout.toString("latin1")
    const parts: Array<Buffer> = []
    let at = 0
    for (const marker of parseAll(run.stdout.toString("utf8"))) {
      const text = Buffer.from(`· headroom_retrieve hash=${marker.key}]`).toString("latin1")
      const end = out.indexOf(text, at) + text.length
      const start = out.lastIndexOf("[", end - 1)
      parts.push(run.stdout.subarray(at, start), (await headroom(["ccr-get", marker.key], { home })).stdout)
      at = end
    }
    parts.push(run.stdout.subarray(at))
    expect(parts.length).toBeGreaterThan(3)
    expect(Buffer.compare(Buffer.concat(parts), input)).toBe(0)
  }, 60_000)
})
