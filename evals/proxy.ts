/**
 * What `headroom proxy` adds to a model call, measured the only fair way on a shared machine:
 * the same request sent straight to a scripted upstream and through the proxy, interleaved, many
 * times, and the paired differences' percentiles quoted.
 *
 * - history seen: requests of the corpus Claude Code session whose every tool result the proxy
 *   has seen before (right after each turn, the same with one more short message from the person);
 * - session turns: the same session replayed turn by turn as the agent sent it, each turn with the
 *   new tool result the proxy compresses on the way;
 * - a new 200 KB tool result: a conversation whose last tool result the proxy has never seen;
 * - streaming: time to the first byte of a streamed answer, straight and through the proxy.
 *
 * The proxy runs as its own process (`headroom proxy --port 0`), as a user runs it, and so does the
 * upstream (evals/upstream-server.ts); the client runs here. Run: `npx tsx evals/proxy.ts` (RUNS=… to change the repetitions).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { sessions } from "../src/evals/sessions.ts"


const ROOT = join(import.meta.dirname, "..")
const RUNS = Number(process.env.RUNS ?? 200)

const percentile = (xs: ReadonlyArray<number>, p: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

/** Starts the proxy CLI on a free port; resolves with its URL once it says it listens. */
const startProxy = (upstream: string, home: string): Promise<{ url: string; child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    // PROXY_NODE_ARGS: flags for the proxy's node (e.g. --cpu-prof), to see where its time goes.
    const nodeArgs = (process.env.PROXY_NODE_ARGS ?? "").split(" ").filter(Boolean)
    const entry = process.env.PROXY_FROM_SOURCE ? ["--import", "tsx", join(ROOT, "src", "cli", "main.ts")] : [join(ROOT, "bin", "headroom")]
    const child = spawn(process.execPath, [...nodeArgs, ...entry, "proxy", "--port", "0", "--upstream-anthropic", upstream, "--upstream-openai", `${upstream}/v1`], {
      env: { ...process.env, HEADROOM_HOME: home },
      stdio: ["ignore", "ignore", "pipe"]
    })
    let said = ""
    child.stderr!.on("data", (d: Buffer) => {
      if (process.env.VERBOSE) process.stderr.write(d)
      said += d.toString()
      const m = /listening on (http:\/\/\S+)/.exec(said)
      if (m) resolve({ url: m[1]!, child })
    })
    child.on("exit", (code) => reject(new Error(`the proxy exited with ${code}: ${said}`)))
  })

const post = async (url: string, body: string, extraHeaders: Record<string, string> = {}): Promise<number> => {
  const t0 = performance.now()
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "bench", ...extraHeaders }, body }).catch((e) => {
    throw new Error(`${url} (${body.length} bytes): ${e.cause?.code ?? e}`)
  })
  await r.arrayBuffer()
  return performance.now() - t0
}

/** Time to the first byte of the answer's body. */
const firstByte = async (url: string, body: string): Promise<number> => {
  const t0 = performance.now()
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "bench" }, body })
  const reader = r.body!.getReader()
  await reader.read()
  const t = performance.now() - t0
  await reader.cancel()
  return t
}

/** Sends each body straight and through the proxy, alternating which goes first; the added times. */
const paired = async (bodies: ReadonlyArray<string>, direct: string, proxied: string, measure = post) => {
  const added: Array<number> = []
  for (const [i, body] of bodies.entries()) {
    if (i % 2 === 0) {
      const d = await measure(direct, body)
      added.push(await measure(proxied, body) - d)
    } else {
      const p = await measure(proxied, body)
      added.push(p - await measure(direct, body))
    }
  }
  return added
}

const row = (name: string, added: ReadonlyArray<number>) => ({
  case: name,
  requests: added.length,
  "added p50 ms": percentile(added, 0.5).toFixed(2),
  "added p90 ms": percentile(added, 0.9).toFixed(2),
  "added p99 ms": percentile(added, 0.99).toFixed(2)
})

/** The scripted upstream in a process of its own, so its work does not land on either side's timings. */
const startUpstream = (): Promise<{ url: string; child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "evals", "upstream-server.ts")], {
      env: { ...process.env, DELAY_MS: "5" },
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.stdout!.once("data", (d: Buffer) => resolve({ url: d.toString().trim(), child }))
    child.on("exit", (code) => reject(new Error(`the upstream exited with ${code}`)))
  })

const upstream = await startUpstream()
const home = readFileSync("/proc/self/stat", "utf8").split(" ")[0]!
const proxyHome = join(ROOT, ".bench-home", home)
const { url: proxyUrl, child } = await startProxy(upstream.url, proxyHome)
try {
  const direct = `${upstream.url}/v1/messages`
  const proxied = `${proxyUrl}/v1/messages`

  // The session's turns in order, as the agent sent them: each extends the one before with the
  // model's call and its new tool result, which is compressed on the way.
  const session = sessions(join(ROOT, "fixtures", "corpus")).find((s) => s.file.includes("258c7280") && !s.file.includes("subagents"))!
  const turns = session.turns.map((t) => ({ model: "claude-sonnet-4-5", max_tokens: 1024, ...t.body }) as unknown as Record<string, unknown> & { messages: Array<unknown> })
  await paired(turns.slice(0, 3).map((t) => JSON.stringify(t)), direct, proxied) // warm both sides
  const grown = await paired(turns.slice(3, 3 + RUNS).map((t) => JSON.stringify(t)), direct, proxied)
  // History seen: right after a turn, the same conversation with one more short message from the
  // person — every tool result in it was seen (and compressed) with the turn before.
  const seen: Array<number> = []
  for (const t of turns.slice(3, 3 + RUNS)) {
    await post(proxied, JSON.stringify(t))
    seen.push(...await paired([JSON.stringify({ ...t, messages: [...t.messages, { role: "user", content: "Go on." }] })], direct, proxied))
  }
  // The floor: the same bodies forwarded untouched (x-headroom-bypass), i.e. the cost of the hop alone.
  const bypass = await paired(turns.slice(3, 3 + RUNS).map((t) => JSON.stringify(t)), direct, proxied, (url, body) => post(url, body, { "x-headroom-bypass": "1" }))

  // A new 200 KB tool result each time, never seen before (a run number makes each unique): in
  // turn a file read (Rust source, numbered as Claude Code's Read shows it), a test log, JSON.
  const corpus = (path: string) => readFileSync(join(ROOT, "fixtures", "corpus", path), "utf8")
  const rust = corpus("code/rust/json/de.rs")
  const log = corpus("logs/HDFS_2k.log")
  const json = JSON.parse(corpus("json/npm-view-react.json")) as Record<string, unknown>
  const results: ReadonlyArray<(i: number) => readonly [string, Record<string, unknown>, string]> = [
    (i) => {
      const text = `// run ${i}\n${rust}\n${rust}`.slice(0, 200_000)
      const numbered = text.split("\n").map((line, n) => `${String(n + 1).padStart(6)}→${line}`).join("\n")
      return ["Read", { file_path: `/src/de${i}.rs` }, numbered]
    },
    (i) => ["Bash", { command: "npm test 2>&1" }, `run ${i}\n${log}`.slice(0, 200_000)],
    (i) => ["Bash", { command: `curl -s https://registry.npmjs.org/react?run=${i}` }, JSON.stringify({ run: i, time: json.time }, null, 1)]
  ]
  const fresh = Array.from({ length: Math.min(RUNS, 60) }, (_, i) => {
    const [tool, input, result] = results[i % results.length]!(i)
    return JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      messages: [
        { role: "user", content: `Look at this (${i})` },
        { role: "assistant", content: [{ type: "tool_use", id: `t${i}`, name: tool, input }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: `t${i}`, content: result }] }
      ]
    })
  })
  const newResult = await paired(fresh, direct, proxied)

  // Streaming: the first byte of a streamed answer (the upstream sends its events 5 ms apart).
  const streamBody = JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 64, stream: true, messages: [{ role: "user", content: "Count to ten." }] })
  const ttfb = await paired(Array.from({ length: RUNS }, () => streamBody), direct, proxied, firstByte)

  console.log(`headroom proxy overhead: paired, interleaved requests (straight vs through the proxy), ${new Date().toISOString()}`)
  console.table([
    row("forwarded untouched (bypass: the hop alone)", bypass),
    row("history seen", seen),
    row("session turns (new results in them)", grown),
    row("new 200 KB tool result", newResult),
    row("time to first streamed byte", ttfb)
  ])
} finally {
  const stats = await (await fetch(`${proxyUrl}/stats`)).json() as { overheadMs: Record<string, number> }
  const o = stats.overheadMs
  console.log(`the proxy's own count of the time it adds before a request goes upstream: p50 ${o.p50!.toFixed(2)} ms, p95 ${o.p95!.toFixed(2)} ms, p99 ${o.p99!.toFixed(2)} ms over its last ${o.samples} requests`)
  child.kill("SIGTERM")
  upstream.child.kill("SIGTERM")
}
