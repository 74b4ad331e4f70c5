/**
 * `headroom compress`: detect the content type of stdin and run its compressor.
 *
 * @since 0.1.0
 */
import { compressBytes } from "../stages/compress.ts"
import { compressionCommand } from "./compression-command.ts"

export const compressCommand = compressionCommand({
  name: "compress",
  short: "detect the content type and run its compressor",
  description:
    "Compress stdin with the compressor for its content type (see `headroom route`). JSON goes to crush; " +
    "types without a compressor yet pass through unchanged.",
  examples: [
    { command: "cat response.json | headroom compress", description: "compress whatever arrives" },
    { command: "headroom compress --stats < out.json > small.json", description: "and say how much it saved" }
  ],
  run: (input, { query }) => compressBytes(input, { query })
})
