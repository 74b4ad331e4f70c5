/** The real `headroom` command, run as a user would: stdin, stdout, stderr and exit codes. */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { logItemsJson } from "../src/evals/generate.ts"
import { compressStage } from "../src/stages/compress.ts"
import { STAGES } from "../src/stages/registry.ts"
import { BIN, CORPUS, headroom, removeHome, tempHome } from "./helpers.ts"

/** The commands made from the stage registry: compress and every compressing stage. */
const COMMANDS = [compressStage, ...STAGES].map((s) => s.name)

const homes: Array<string> = []
const home = () => {
  const h = tempHome()
  homes.push(h)
  return h
}
afterAll(() => homes.forEach(removeHome))

const big = logItemsJson(1000)

describe("headroom commands", () => {
  it.each([...COMMANDS, "route", "ccr-put", "ccr-get", "evals"])("%s --help explains itself and exits 0", async (command) => {
    const run = await headroom([command, "--help"], { home: home() })
    expect(run.code).toBe(0)
    expect(run.stdout.toString()).toContain(`headroom ${command}`)
    expect(run.stdout.toString()).toContain("EXAMPLES")
  })

  it("prints its version and lists its commands and environment", async () => {
    expect((await headroom(["--version"], { home: home() })).stdout.toString()).toMatch(/^headroom v\d+\.\d+\.\d+/)
    const help = (await headroom(["--help"], { home: home() })).stdout.toString()
    for (const word of ["crush", "ccr-get", "HEADROOM_HOME", "HEADROOM_TTL"]) expect(help).toContain(word)
  })

  it("crushes, and ccr-get returns the original byte for byte", async () => {
    const h = home()
    const crushed = await headroom(["crush"], { home: h, input: big })
    expect(crushed.code).toBe(0)
    expect(crushed.stderr).toBe("")
    expect(crushed.stdout.length).toBeLessThan(big.length / 10)
    const hash = /hash=([0-9a-f]{12})/.exec(crushed.stdout.toString())![1]!
    const back = await headroom(["ccr-get", hash], { home: h })
    expect(back.stdout.toString()).toBe(big)
    const needle = await headroom(["ccr-get", hash, "--query", "req-7f3a9c2e5b1d"], { home: h })
    expect(needle.stdout.toString()).toMatch(/^\$\[420\]:\{.*"request_id":"req-7f3a9c2e5b1d"/)
    expect(needle.stdout.toString().trim().split("\n")).toHaveLength(1)
  })

  it("works as a pipe: cat | crush | ccr-put, and the pinned original stays retrievable", () => {
    const h = home()
    const file = join(h, "log.json")
    writeFileSync(file, big)
    const marker = execFileSync("sh", ["-c", `cat "${file}" | "${BIN}" crush | "${BIN}" ccr-put`], {
      env: { ...process.env, HEADROOM_HOME: h }
    }).toString()
    expect(marker).toMatch(/^\[1 line not shown · headroom_retrieve hash=[0-9a-f]{12}\]\n$/)
    const crushed = execFileSync(BIN, ["ccr-get", /hash=(\w+)/.exec(marker)![1]!], { env: { ...process.env, HEADROOM_HOME: h } })
    const original = execFileSync(BIN, ["ccr-get", /hash=(\w+)/.exec(crushed.toString())![1]!], { env: { ...process.env, HEADROOM_HOME: h } })
    expect(original.toString()).toBe(big)
    // A reader that stops early is not an error.
    const head = spawnSync("sh", ["-c", `"${BIN}" ccr-get ${/hash=(\w+)/.exec(crushed.toString())![1]!} | head -c 10`], {
      env: { ...process.env, HEADROOM_HOME: h },
      encoding: "utf8"
    })
    expect(head.stdout).toBe(big.slice(0, 10))
    expect(head.stderr).toBe("")
  })

  it("gives the same bytes in two processes", async () => {
    const input = readFileSync(join(CORPUS, "json", "npm-view-react.json"))
    const a = await headroom(["crush", "--query", "18.2.0"], { home: home(), input })
    const b = await headroom(["crush", "--query", "18.2.0"], { home: home(), input })
    expect(a.code).toBe(0)
    expect(Buffer.compare(a.stdout, b.stdout)).toBe(0)
  })

  it("reports figures with --json: estimated by default, exact with --exact", async () => {
    const exact = JSON.parse((await headroom(["crush", "--json", "--exact"], { home: home(), input: big })).stdout.toString())
    expect(exact).toMatchObject({ stage: "crush", type: "json", model: "gpt-4o", passthrough: null, tokensExact: true })
    expect(exact.hash).toMatch(/^[0-9a-f]{12}$/)
    expect(exact.tokensAfter).toBeLessThan(exact.tokensBefore * 0.15)
    expect(exact.dropped.items).toBeGreaterThan(900)
    expect(JSON.parse(exact.output)).toHaveProperty(["headroom:table"])
    const estimated = JSON.parse((await headroom(["crush", "--json"], { home: home(), input: big })).stdout.toString())
    expect(estimated).toMatchObject({ tokensExact: false, output: exact.output })
    // The estimate is calibrated against the tokenizer: within 15% here.
    expect(Math.abs(estimated.tokensBefore / exact.tokensBefore - 1)).toBeLessThan(0.15)
    const route = JSON.parse((await headroom(["route", "--json"], { home: home(), input: big })).stdout.toString())
    expect(route).toEqual({ type: "json", compressor: "crush", envelope: null, bytes: big.length })
  })

  it("keeps usage errors off stdout, and says where help is", async () => {
    const run = await headroom(["crush", "--no-such-flag"], { home: home(), input: "{}" })
    expect(run.code).toBe(2)
    expect(run.stdout.toString()).toBe("")
    expect(run.stderr).toMatch(/no-such-flag/)
    expect(run.stderr).toContain("Run 'headroom crush --help' for usage.")
  })

  it("exits non-zero (as SIGPIPE would) when its reader goes away before the output is written", () => {
    const h = home()
    const file = join(h, "big.json")
    writeFileSync(file, big)
    const run = spawnSync("bash", ["-c", `set -o pipefail; "${BIN}" ccr-put < "${file}" >/dev/null; "${BIN}" ccr-get $(sha256sum "${file}" | cut -c1-12) | head -c 10 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], {
      env: { ...process.env, HEADROOM_HOME: h },
      encoding: "utf8"
    })
    expect(run.stdout).toContain("status=141")
    expect(run.stderr).toBe("")
  })

  it("passes small or unknown input, and a broken image, through compress unchanged", async () => {
    const text = "plain words, nothing to compress\n"
    const run = await headroom(["compress"], { home: home(), input: text })
    expect(run.stdout.toString()).toBe(text)
    expect((await headroom(["route"], { home: home(), input: text })).stdout.toString()).toBe("text\tnone\n")
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(2000).fill(7)])
    expect((await headroom(["route"], { home: home(), input: png })).stdout.toString()).toBe("image:png\timage\n")
    expect(Buffer.compare((await headroom(["compress"], { home: home(), input: png })).stdout, Buffer.from(png))).toBe(0)
  })
})

describe("bad input", () => {
  const oneLine = (stderr: string) => {
    expect(stderr.endsWith("\n")).toBe(true)
    expect(stderr.trim().split("\n")).toHaveLength(1)
    expect(stderr).not.toMatch(/\bat .*:\d+:\d+/) // no stack trace
  }

  it("invalid JSON to crush: one line, exit 1, nothing stored", async () => {
    const h = home()
    const run = await headroom(["crush"], { home: h, input: '{"items": [1, 2,, 3]}' })
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('headroom crush: invalid JSON at line 1, column 17: unexpected ","\n')
    expect(run.stdout.length).toBe(0)
    expect(existsSync(join(h, "store"))).toBe(false)
  })

  it("binary to crush, an unknown or malformed hash to ccr-get: one line, exit 1", async () => {
    const binary = await headroom(["crush"], { home: home(), input: new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28]) })
    expect(binary.code).toBe(1)
    oneLine(binary.stderr)
    expect(binary.stderr).toContain("not UTF-8 text")
    const unknown = await headroom(["ccr-get", "0123456789ab"], { home: home() })
    expect(unknown.code).toBe(1)
    oneLine(unknown.stderr)
    expect(unknown.stderr).toContain("no original stored under hash 0123456789ab")
    const malformed = await headroom(["ccr-get", "zz"], { home: home() })
    expect(malformed.code).toBe(1)
    oneLine(malformed.stderr)
  })

  it("an unwritable HEADROOM_HOME: one line, exit 1, nothing written", async () => {
    const h = home()
    const blocker = join(h, "a-file")
    writeFileSync(blocker, "")
    const run = await headroom(["crush"], { home: join(blocker, "home"), input: big })
    expect(run.code).toBe(1)
    oneLine(run.stderr)
    expect(run.stderr).toMatch(/^headroom crush: cannot use the store at .*a-file\/home\/store: a part of the path is a file/)
    expect(run.stdout.length).toBe(0)
  })

  it("a bad flag value or usage: one line, exit 1 or 2", async () => {
    const ttl = await headroom(["ccr-put", "--ttl", "forever"], { home: home(), input: "x" })
    expect(ttl.code).toBe(1)
    oneLine(ttl.stderr)
    expect(ttl.stderr).toContain("--ttl")
    const usage = await headroom(["crush", "--bogus"], { home: home(), input: "{}" })
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain("--bogus")
  })
})

describe("reports stay fast", () => {
  it("--stats and --exact on a long run without spaces, and on deep nesting, in seconds not minutes", async () => {
    const h = home()
    for (const input of ["=".repeat(400_000) + "\n", "[".repeat(100_000) + "]".repeat(100_000)]) {
      for (const flags of [["--stats"], ["--stats", "--exact"]]) {
        const t0 = performance.now()
        const run = await headroom(["compress", ...flags], { home: h, input })
        expect(run.code).toBe(0)
        expect(run.stderr).toMatch(/^[a-z]+: [\d,]+ → [\d,]+ tokens/)
        expect(performance.now() - t0).toBeLessThan(15_000)
      }
    }
  })
})
