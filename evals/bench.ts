/**
 * Benchmarks (run: `npm run bench`). Median timings and throughput, not a test.
 *
 *  - each compressor on about 1 MB of its kind of input (in-process, memory store, warm; code
 *    includes tree-sitter's parse), and the kompress model path's throughput
 *  - crush of a 1,000-item log-like array (~100k tokens), and of ~10 MB against a plain
 *    JSON.parse + JSON.stringify of the same text
 *  - crush of each real JSON file of the corpus
 */
import { Effect, Layer } from "effect"
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Config from "../src/core/config.ts"
import { splitLines } from "../src/core/lines.ts"
import type { Compressed } from "../src/core/content.ts"
import type { Store } from "../src/core/store.ts"
import { crushBytes } from "../src/stages/crush.ts"
import { diffBytes } from "../src/stages/diff.ts"
import { logsBytes } from "../src/stages/logs.ts"
import { codeBytes } from "../src/stages/code.ts"
import type { LanguageName } from "../src/stages/code/languages.ts"
import { htmlBytes } from "../src/stages/html.ts"
import { kompressBytes } from "../src/stages/kompress.ts"
import { detect } from "../src/stages/route.ts"
import { searchBytes } from "../src/stages/search.ts"
import * as MemoryStore from "../src/store/memory.ts"
import { makeDiffRepo } from "../src/evals/diff-repo.ts"
import { logItems, prose } from "../src/evals/generate.ts"
import { buildModel } from "../fixtures/kompress-model/build.ts"
import { defaultCorpus } from "../src/evals/tier1.ts"

const ROOT = join(import.meta.dirname, "..")
const corpus = defaultCorpus(ROOT)
// The median of timed runs, and the fastest, reported beside it: this shared machine has slow
// phases in which the same code takes up to twice as long.
interface Timing {
  readonly median: number
  readonly fastest: number
}
const timing = (xs: Array<number>): Timing => ({ median: [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!, fastest: Math.min(...xs) })

const time = (runs: number, f: () => unknown): Timing => {
  for (let i = 0; i < Math.min(10, runs); i++) f() // warm-up: let the JIT settle
  const ms: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    f()
    ms.push(performance.now() - t0)
  }
  return timing(ms)
}

// The stages are Effects; these runs are synchronous underneath (memory store), so runSync times them.
const layer = Layer.merge(MemoryStore.layer(), Config.layerWith({ home: "/nonexistent" }))
const runSync = (e: Effect.Effect<Compressed, unknown, Store | Config.Config>) => Effect.runSync(e.pipe(Effect.provide(layer)))

const rows: Array<Record<string, string | number>> = []
const report = (name: string, input: Uint8Array, { fastest, median }: Timing, out: Compressed, extra: Record<string, string | number> = {}) =>
  rows.push({
    case: name,
    "input MB": (input.length / 1e6).toFixed(2),
    "median ms": median.toFixed(1),
    "fastest ms": fastest.toFixed(1),
    "MB/s": (input.length / 1e6 / (median / 1000)).toFixed(1),
    "size reduction": `${(100 - (100 * out.bytesAfter) / out.bytesBefore).toFixed(1)}%`,
    ...extra
  })

// `npx tsx evals/bench.ts code` runs only the cases whose name holds "code".
const only = process.argv[2]
const wanted = (name: string) => only === undefined || name.includes(only)

const bench = (name: string, input: Uint8Array, run: (b: Uint8Array) => Effect.Effect<Compressed, unknown, Store | Config.Config>, runs = 20, extra = {}) => {
  if (wanted(name)) report(name, input, time(runs, () => runSync(run(input))), runSync(run(input)), extra)
}

const oneMegabyte = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out: Array<Uint8Array> = []
  let size = 0
  for (let i = 0; size < 1_000_000; i++) {
    const p = parts[i % parts.length]!
    out.push(p)
    size += p.length
  }
  return Buffer.concat(out).subarray(0, 1_000_000)
}

// About 1 MB of each kind.
const logs = readdirSync(join(corpus, "logs")).filter((f) => f.endsWith("_2k.log")).map((f) => readFileSync(join(corpus, "logs", f)))
const logMb = oneMegabyte(logs)
bench("logs: 1 MB of loghub samples", logMb.subarray(0, logMb.lastIndexOf(10) + 1), (b) => logsBytes(b))
const grep = execFileSync("grep", ["-rn", "export", join(ROOT, "node_modules", "effect", "src")], { maxBuffer: 1 << 28 })
// Lines of ordinary length (the sources hold a few megabyte-long generated lines).
const hits = splitLines(grep).filter((l) => l.length < 2000)
bench("search: 1 MB of grep -rn", oneMegabyte(hits).subarray(0, Buffer.concat(hits).indexOf(10, 1_000_000) + 1), (b) => searchBytes(b))
const repoDir = mkdtempSync(join(tmpdir(), "hr-bench-"))
const history = makeDiffRepo(repoDir).git("log -p -2 -U20")
rmSync(repoDir, { recursive: true, force: true })
bench("diff: 1 MB of git log -p", oneMegabyte([history]).subarray(0, history.length * Math.floor(1_000_000 / history.length)), (b) => diffBytes(b))
const json1mb = new TextEncoder().encode(JSON.stringify(logItems(2900).items))
// Code, HTML and prose: their stages are asynchronous (WebAssembly loading, the model), so they are
// timed with runPromise; the first run loads the grammar and is left out.
const timeAsync = async (runs: number, f: () => Promise<unknown>): Promise<Timing> => {
  await f()
  const ms: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await f()
    ms.push(performance.now() - t0)
  }
  return timing(ms)
}
const runAsync = (e: Effect.Effect<Compressed, unknown, Store | Config.Config>) => Effect.runPromise(e.pipe(Effect.provide(layer)))
const benchAsync = async (name: string, input: Uint8Array, run: (b: Uint8Array) => Effect.Effect<Compressed, unknown, Store | Config.Config>, runs = 10) => {
  if (wanted(name)) report(name, input, await timeAsync(runs, () => runAsync(run(input))), await runAsync(run(input)))
}
// Whole copies of one corpus file, 1 MB or just over; and a copy cut off mid-file, whose skeleton
// ends at its last complete item (the rest is parsed as it is).
const codeFiles: ReadonlyArray<[string, LanguageName]> = [
  ["javascript/express/response.js", "javascript"],
  ["typescript/got/index.ts", "typescript"],
  ["go/gin/context.go", "go"],
  ["python/requests/models.py", "python"],
  ["rust/json/de.rs", "rust"],
  ["java/gson/JsonReader.java", "java"],
  ["cpp/leveldb/db_impl.cc", "cpp"]
]
const copies = (one: Uint8Array) => Buffer.concat(Array.from({ length: Math.ceil(1_000_000 / (one.length + 1)) }, () => [one, Buffer.from("\n")]).flat())
for (const [file, language] of codeFiles) {
  await benchAsync(`code (${language}, parse included): 1 MB`, copies(readFileSync(join(corpus, "code", file))), (b) => codeBytes(b, { language }))
}
const cutOff = oneMegabyte([readFileSync(join(corpus, "code", "javascript/express/response.js"))]).subarray(0, 1_000_000)
await benchAsync("code (javascript, cut off mid-file): 1 MB", cutOff.subarray(0, cutOff.lastIndexOf(10) + 1), (b) => codeBytes(b, { language: "javascript" }))
const page = readFileSync(join(corpus, "html", "std-collections-HashMap.html"))
await benchAsync("html: 1 MB (HashMap page ×5)", oneMegabyte([page]), (b) => htmlBytes(b))
const proseMb = new TextEncoder().encode(prose(4000)).subarray(0, 1_000_000)
await benchAsync("kompress, statistical: 1 MB of prose", proseMb.subarray(0, proseMb.lastIndexOf(10) + 1), (b) => kompressBytes(b, { scorer: "statistical" }))
// The model path's throughput, on the project's own tiny model (an ONNX graph of one node):
// it measures tokenisation, batching and ONNX Runtime calls, not a real model's arithmetic.
const modelDir = mkdtempSync(join(tmpdir(), "hr-model-"))
buildModel(modelDir)
const modelLayer = Layer.merge(MemoryStore.layer(), Config.layerWith({ home: "/nonexistent", kompressModel: modelDir }))
const proseSmall = new TextEncoder().encode(prose(400))
const modelRun = () => Effect.runPromise(kompressBytes(proseSmall, { scorer: "model" }).pipe(Effect.provide(modelLayer)))
if (wanted("kompress, model path")) report("kompress, model path (tiny model): prose", proseSmall, await timeAsync(5, modelRun), await modelRun())
rmSync(modelDir, { recursive: true, force: true })
bench("crush: 1 MB of JSON", json1mb, (b) => crushBytes(b))

// crush, the figures its issue asks for.
const thousand = new TextEncoder().encode(JSON.stringify(logItems(1000).items))
bench("crush: 1,000 log items (~100k tokens)", thousand, (b) => crushBytes(b), 30)
const bigText = JSON.stringify(logItems(30_000).items)
const big = new TextEncoder().encode(bigText)
if (wanted("crush: ~10 MB")) {
  const baseline = time(5, () => JSON.stringify(JSON.parse(bigText)))
  const crushBig = time(5, () => runSync(crushBytes(big)))
  report("crush: ~10 MB of log items", big, crushBig, runSync(crushBytes(big)), {
    "parse+stringify ms": baseline.median.toFixed(1),
    "× parse+stringify": (crushBig.median / baseline.median).toFixed(2)
  })
}
if (existsSync(join(corpus, "json"))) {
  for (const file of readdirSync(join(corpus, "json")).filter((f) => f.endsWith(".json")).sort()) {
    bench(`crush: ${file}`, readFileSync(join(corpus, "json", file)), (b) => crushBytes(b), 10)
  }
}
// Routing reads a bounded prefix: a megabyte costs what a few kilobytes do.
for (const [name, input] of wanted("route") ? [["logs", logMb], ["search", hits], ["JSON", json1mb]] as const : []) {
  const bytes = Array.isArray(input) ? oneMegabyte(input) : input as Uint8Array
  const { median } = time(50, () => detect(bytes))
  rows.push({ case: `route: 1 MB of ${name} → ${detect(bytes)}`, "input MB": (bytes.length / 1e6).toFixed(2), "median ms": median.toFixed(2) })
}
console.table(rows)
