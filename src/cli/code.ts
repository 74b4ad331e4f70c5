/**
 * `headroom code`: source code on stdin, its long function bodies elided behind markers.
 *
 * @since 0.1.0
 */
import { Option } from "effect"
import { Flag } from "effect/cli"
import { codeBytes } from "../stages/code.ts"
import { compressionCommand } from "./compression-command.ts"

const LANGS = ["python", "javascript", "typescript", "tsx", "go", "rust", "java", "cpp"] as const

export const codeCommand = compressionCommand({
  name: "code",
  short: "compress source code: signatures kept, long bodies elided, still parses",
  description:
    "Compress source code from stdin with tree-sitter (Python, JavaScript, TypeScript/TSX, Go, Rust, Java, C++): " +
    "imports, declarations, signatures, decorators, exported constants, docstrings' first lines and short bodies " +
    "stay as they are; long function bodies not about --query are elided, each behind a marker naming the " +
    "symbol and its lines (headroom ccr-get HASH --lines A-B brings it back), written so the file still parses.",
  examples: [
    { command: "cat src/server.ts | headroom code", description: "the shape of a file" },
    { command: "headroom code --query retry < client.py", description: "with the bodies about retrying whole" },
    { command: "headroom code --lang go < main.go", description: "skip detection" }
  ],
  flags: {
    lang: Flag.Literals("lang", LANGS).pipe(Flag.withDescription("the language, instead of detecting it"), Flag.optional)
  },
  run: (input, { query, lang }) => codeBytes(input, { query, language: Option.getOrUndefined(lang) })
})
