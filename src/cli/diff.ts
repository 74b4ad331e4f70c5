/**
 * `headroom diff`: a unified diff on stdin, with long unchanged context cut and generated files
 * summarised; what it shows still applies with `git apply`.
 *
 * @since 0.1.0
 */
import { diffBytes } from "../stages/diff.ts"
import { compressionCommand } from "./compression-command.ts"

export const diffCommand = compressionCommand({
  name: "diff",
  short: "compress a unified diff: every change kept, long context cut, lock files counted",
  description:
    "Compress a unified diff from stdin (git diff, git log -p, diff -u): file and hunk headers and every changed " +
    "line are kept; runs of unchanged context are cut (the hunk split with exact @@ headers); lock files, " +
    "snapshots and minified files are summarised as counts; files matching --query are shown whole. The output " +
    "still applies with git apply.",
  examples: [
    { command: "git diff | headroom diff", description: "a review-sized diff" },
    { command: "git log -p -5 | headroom diff --stats", description: "recent history, with the savings" }
  ],
  run: (input, { query }) => diffBytes(input, { query })
})
