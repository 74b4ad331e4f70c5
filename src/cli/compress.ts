/**
 * `headroom compress`: detect the content type of stdin (or take `--type`) and run its compressor.
 *
 * @since 0.1.0
 */
import { Option } from "effect"
import { Flag } from "effect/cli"
import { compressBytes } from "../stages/compress.ts"
import { compressionCommand } from "./compression-command.ts"

const TYPES = [
  "json", "log", "search", "diff", "html", "text",
  "code:python", "code:javascript", "code:typescript", "code:tsx", "code:go", "code:rust", "code:java", "code:cpp"
] as const

export const compressCommand = compressionCommand({
  name: "compress",
  short: "detect the content type and run its compressor",
  description:
    "Compress stdin with the compressor for its content type (see `headroom route`): JSON goes to crush, logs " +
    "to logs, grep/rg results to search, diffs to diff, source code to code, HTML to html, prose to kompress; " +
    "images and binary pass through unchanged.",
  examples: [
    { command: "cat response.json | headroom compress", description: "compress whatever arrives" },
    { command: "git diff | headroom compress --stats", description: "and say how much it saved" },
    { command: "headroom compress --type log < build.out", description: "skip detection" }
  ],
  flags: {
    type: Flag.Literals("type", TYPES).pipe(
      Flag.withDescription("the content type, instead of detecting it (json, log, search, diff, html, text, code:<lang>)"),
      Flag.optional
    )
  },
  run: (input, { query, type }) => compressBytes(input, { query, type: Option.getOrUndefined(type) })
})
