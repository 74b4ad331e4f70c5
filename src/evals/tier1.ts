/**
 * `headroom evals --tier 1`: every compressor over the shared corpus (or the excerpts in
 * fixtures/corpus) and inputs made on the spot, one table per content type: tokens before and
 * after, reduction, what was retained, p50/p95 time — and beside it what plain truncation to the
 * same token budget retains, which is what agents do today.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { codeSuite } from "./suites/code.ts"
import { diffSuite } from "./suites/diff.ts"
import { htmlSuite } from "./suites/html.ts"
import { imagesSuite } from "./suites/images.ts"
import { jsonSuite } from "./suites/json.ts"
import { logFormatsSuite } from "./suites/log-formats.ts"
import { logsSuite } from "./suites/logs.ts"
import { proseSuite } from "./suites/prose.ts"
import { searchSuite } from "./suites/search.ts"
import { sessionsSuite } from "./suites/sessions.ts"

export interface Suite {
  readonly type: string
  /** What the retention columns measure. */
  readonly retention: string
  readonly run: (where: Where) => Promise<Array<Record<string, string | number>>>
}

export interface Where {
  /** The corpus directory (with json/, logs/, tool-outputs/ …). */
  readonly corpus: string
  /** The package's root, for inputs made from its node_modules. */
  readonly root: string
}

export interface Table {
  readonly type: string
  readonly retention: string
  readonly rows: Array<Record<string, string | number>>
}

export const SUITES: ReadonlyArray<Suite> = [jsonSuite, logsSuite, logFormatsSuite, searchSuite, diffSuite, codeSuite, htmlSuite, proseSuite, imagesSuite, sessionsSuite]

/** The shared corpus beside the repository when it is there, else the excerpts in fixtures/. */
export const defaultCorpus = (root: string): string => {
  const shared = join(root, "..", "shared", "corpus")
  return existsSync(shared) ? shared : join(root, "fixtures", "corpus")
}

/** Runs the suites (all, or those given), in order. */
export const runTier1 = async (
  where: Where,
  progress: (line: string) => void = () => undefined,
  suites: ReadonlyArray<Suite> = SUITES
): Promise<Array<Table>> => {
  const tables: Array<Table> = []
  for (const [i, suite] of suites.entries()) {
    progress(`evals tier 1: ${suite.type} (${i + 1}/${suites.length})`)
    tables.push({ type: suite.type, retention: suite.retention, rows: await suite.run(where) })
  }
  return tables
}

/** Plain-text tables, columns padded, numbers right-aligned. */
export const formatTables = (tables: ReadonlyArray<Table>, corpus: string): string => {
  const out: Array<string> = [`headroom evals, tier 1 — corpus: ${corpus}; tokens: o200k_base`, ""]
  for (const table of tables) {
    const columns = [...new Set(table.rows.flatMap((r) => Object.keys(r)))]
    const cell = (r: Record<string, string | number>, c: string) => {
      const v = r[c]
      return v === undefined ? "" : typeof v === "number" ? v.toLocaleString("en-US") : v
    }
    const widths = columns.map((c) => Math.max(c.length, ...table.rows.map((r) => cell(r, c).length)))
    const line = (cells: Array<string>, numeric: Array<boolean>) =>
      cells.map((x, i) => numeric[i] ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)).join("  ").trimEnd()
    out.push(`${table.type} — retention: ${table.retention}`)
    out.push(line(columns, columns.map(() => false)))
    out.push(widths.map((w) => "-".repeat(w)).join("  "))
    for (const r of table.rows) out.push(line(columns.map((c) => cell(r, c)), columns.map((c) => typeof r[c] === "number")))
    out.push("")
  }
  return out.join("\n")
}
