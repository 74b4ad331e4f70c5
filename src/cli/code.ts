/**
 * `headroom code`: source code on stdin, its long function bodies elided behind markers.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type { LanguageName } from "../stages/code/languages.ts"
import { codeBytes } from "../stages/code.ts"
import { jsonFlag, modelFlag, printCompressed, queryFlag, readStdin, reportErrors, servicesLayer, statsFlag, ttlFlag } from "./io.ts"

const LANGS = ["python", "javascript", "typescript", "tsx", "go", "rust", "java", "cpp"] as const

const langFlag = Flag.Literals("lang", LANGS).pipe(
  Flag.withDescription("the language, instead of detecting it"),
  Flag.optional
)

export const codeCommand = Command.make(
  "code",
  { query: queryFlag, lang: langFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag },
  (flags) =>
    Effect.gen(function*() {
      const input = yield* readStdin
      const language: LanguageName | undefined = Option.getOrUndefined(flags.lang)
      const result = yield* codeBytes(input, { query: Option.getOrUndefined(flags.query), language })
      yield* printCompressed(flags, input, result)
    }).pipe(
      Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
      reportErrors("code")
    )
).pipe(
  Command.withShortDescription("compress source code: signatures kept, long bodies elided, still parses"),
  Command.withDescription(
    "Compress source code from stdin with tree-sitter (Python, JavaScript, TypeScript/TSX, Go, Rust, Java, C++): " +
      "imports, declarations, signatures, decorators, exported constants, docstrings' first lines and short bodies " +
      "stay as they are; long function bodies not about --query are elided, each behind a marker naming the " +
      "symbol and its lines (headroom ccr-get HASH --lines A-B brings it back), written so the file still parses."
  ),
  Command.withExamples([
    { command: "cat src/server.ts | headroom code", description: "the shape of a file" },
    { command: "headroom code --query retry < client.py", description: "with the bodies about retrying whole" },
    { command: "headroom code --lang go < main.go", description: "skip detection" }
  ])
)
