/**
 * `headroom crush`: JSON on stdin, crushed JSON on stdout; the original is stored in CCR.
 *
 * @since 0.1.0
 */
import { crushBytes } from "../stages/crush.ts"
import { compressionCommand } from "./compression-command.ts"

export const crushCommand = compressionCommand({
  name: "crush",
  short: "compress JSON (tables, then keep what matters); original stored",
  description:
    "Compress JSON from stdin: lossless first (minified, uniform arrays as tables, constant fields factored out), " +
    "then large arrays keep their first and last items, every error, outliers, change points and items matching " +
    "--query, with a marker where items are not shown. The original is stored; `headroom ccr-get HASH` returns it.",
  examples: [
    { command: "kubectl get pods -o json | headroom crush", description: "crush a large API response" },
    { command: "headroom crush --query 'req-7f3a' < requests.json", description: "keep the items about one request whole" },
    { command: "headroom crush --json < big.json | jq .reduction", description: "machine-readable figures" }
  ],
  run: (input, { query }) => crushBytes(input, { query })
})
