/**
 * Start-up cost of a command, which every stage in a pipe pays: `headroom --version` and a small
 * `headroom route`, each against `node -e 0`, interleaved runs, medians. Run: `npm run bench`.
 */
import { spawnSync } from "node:child_process"
import { join } from "node:path"

const BIN = join(import.meta.dirname, "..", "bin", "headroom")
const RUNS = Number(process.env.RUNS ?? 30)

const commands: Array<[string, Array<string>, string]> = [
  ["node -e 0", ["-e", "0"], ""],
  ["headroom --version", [BIN, "--version"], ""],
  ["echo '{}' | headroom route", [BIN, "route"], "{}"]
]

const times = commands.map(() => [] as Array<number>)
for (let i = 0; i < RUNS; i++) {
  commands.forEach(([, args, input], j) => {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, args, { input, stdio: ["pipe", "ignore", "ignore"] })
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited with ${r.status}`)
    times[j]!.push(performance.now() - t0)
  })
}
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const base = median(times[0]!)
console.table(commands.map(([name], j) => ({
  command: name,
  "median ms": median(times[j]!).toFixed(1),
  "min ms": Math.min(...times[j]!).toFixed(1),
  "× node -e 0": (median(times[j]!) / base).toFixed(2)
})))
