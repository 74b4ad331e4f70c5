/**
 * `headroom evals --tier 1`: the evaluation suite (in evals/), run in this process on an
 * in-memory store, printed as one table per content type.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { existsSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { costChart } from "../evals/chart.ts"
import { replaySessions } from "../evals/suites/sessions.ts"
import { defaultCorpus, formatTables, runTier1, SUITES } from "../evals/tier1.ts"
import { InvalidArgument } from "../core/errors.ts"
import { jsonFlag, printJson, reportErrors, writeStdout } from "./io.ts"

/** The directory holding package.json, above this module (bundled or not). */
const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

export const evalsCommand = Command.make(
  "evals",
  {
    tier: Flag.Int("tier").pipe(Flag.withDescription("which tier of evals to run (1: every compressor on the corpus)"), Flag.withDefault(1)),
    corpus: Flag.String("corpus").pipe(
      Flag.withDescription("the corpus directory (default: ../shared/corpus beside the package, else fixtures/corpus)"),
      Flag.optional
    ),
    only: Flag.String("only").pipe(
      Flag.withDescription(`run only these tables, comma-separated: ${SUITES.map((s) => s.type.replace(/ /g, "-")).join(", ")}`),
      Flag.optional
    ),
    chart: Flag.String("chart").pipe(
      Flag.withDescription("also write the sessions replay as an SVG chart of cumulative cost per turn to this file"),
      Flag.optional
    ),
    json: jsonFlag
  },
  (flags) =>
    Effect.gen(function*() {
      if (flags.tier !== 1) return yield* new InvalidArgument({ name: "--tier", value: String(flags.tier), expected: "1 (the only tier so far)" })
      const root = packageRoot()
      const corpus = Option.getOrElse(flags.corpus, () => defaultCorpus(root))
      if (!existsSync(corpus)) return yield* new InvalidArgument({ name: "--corpus", value: corpus, expected: "an existing directory" })
      const names = Option.match(flags.only, { onNone: () => undefined, onSome: (s) => s.split(",").map((n) => n.trim().replace(/-/g, " ")) })
      const suites = names === undefined ? SUITES : SUITES.filter((s) => names.includes(s.type))
      const unknown = names?.filter((n) => !SUITES.some((s) => s.type === n)) ?? []
      if (unknown.length > 0 || suites.length === 0) {
        const known = SUITES.map((s) => s.type.replace(/ /g, "-")).join(", ")
        return yield* new InvalidArgument({ name: "--only", value: Option.getOrElse(flags.only, () => ""), expected: `table names among ${known}` })
      }
      // Progress goes to stderr, and only when a person is watching.
      const progress = process.stderr.isTTY ? (line: string) => void process.stderr.write(`\r\x1b[K${line}`) : undefined
      const tables = yield* Effect.promise(() => runTier1({ corpus, root }, progress, suites))
      if (progress) process.stderr.write("\r\x1b[K")
      if (Option.isSome(flags.chart)) {
        const file = flags.chart.value
        const svg = costChart(yield* Effect.promise(() => replaySessions(corpus)))
        yield* Effect.try({
          try: () => writeFileSync(file, svg),
          catch: (e) => new InvalidArgument({ name: "--chart", value: file, expected: `a file that can be written (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
        })
      }
      if (flags.json) return yield* printJson({ tier: 1, corpus, tokenizer: "o200k_base", tables })
      yield* writeStdout(formatTables(tables, corpus))
    }).pipe(reportErrors("evals"))
).pipe(
  Command.withShortDescription("run the evaluation suite: every compressor against truncation"),
  Command.withDescription(
    "Run every compressor over the corpus and inputs made on the spot, and print one table per content type: " +
      "tokens before and after, reduction, what was retained (JSON: planted errors and needle; logs: loghub " +
      "templates shown / recoverable / lost; search: files named; diffs: changed lines), p50/p95 time, and " +
      "what plain truncation to the same token budget retains. The sessions table replays every agent " +
      "transcript of the corpus turn by turn through compress(request): input tokens, cost with cache " +
      "pricing, edits made blind, turns that are not a prefix of the next, time per turn."
  ),
  Command.withExamples([
    { command: "headroom evals --tier 1", description: "the tables" },
    { command: "headroom evals --tier 1 --json > evals.json", description: "the same, for programs" },
    { command: "headroom evals --only sessions --chart cost.svg", description: "replay the corpus agent sessions, and chart their cost per turn" }
  ])
)
