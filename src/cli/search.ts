/**
 * `headroom search`: grep / rg results on stdin, grouped and thinned; every file stays named.
 *
 * @since 0.1.0
 */
import { searchBytes } from "../stages/search.ts"
import { compressionCommand } from "./compression-command.ts"

export const searchCommand = compressionCommand({
  name: "search",
  short: "compress grep/rg results: files grouped, repeats folded, every file named",
  description:
    "Compress search results from stdin (grep -rn, grep -r, rg, rg --heading, rg --json): matches are grouped by " +
    "file, repeated and near-repeated lines shown once, files ranked against --query, and the best shown a few " +
    "lines each. Every other line is behind a marker that names each file it hides with its count of lines.",
  examples: [
    { command: "grep -rn 'TODO' src | headroom search", description: "a long grep, shortened" },
    { command: "rg -n fetchUser | headroom search --query 'retry'", description: "rank files and lines by a question" }
  ],
  run: (input, { query }) => searchBytes(input, { query })
})
