/**
 * The `headroom` command: one subcommand per stage.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { CliConfig, Command, GlobalFlag } from "effect/cli"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { ENVIRONMENT } from "../core/config.ts"
import { ccrGetCommand } from "./ccr-get.ts"
import { ccrPutCommand } from "./ccr-put.ts"
import { compressCommand } from "./compress.ts"
import { crushCommand } from "./crush.ts"
import { codeCommand } from "./code.ts"
import { diffCommand } from "./diff.ts"
import { evalsCommand } from "./evals.ts"
import { htmlCommand } from "./html.ts"
import { kompressCommand } from "./kompress.ts"
import { logsCommand } from "./logs.ts"
import { searchCommand } from "./search.ts"
import { routeCommand } from "./route.ts"

declare const HEADROOM_VERSION: string | undefined
const version = typeof HEADROOM_VERSION === "string" ? HEADROOM_VERSION : "0.0.0-dev"

const environment = Object.entries(ENVIRONMENT).map(([name, text]) => `  ${name.padEnd(20)} ${text}`).join("\n")

// effect/cli indents only a description's first line; the others are indented here to match.
const description = [
  "Local-first, reversible context compression for AI coding agents. Every original is stored locally",
  "(CCR) and comes back byte for byte with `headroom ccr-get HASH`. Settings: flags, then environment,",
  "then $HEADROOM_HOME/config.json.",
  "",
  "ENVIRONMENT",
  ...environment.split("\n"),
  "",
  "See `man headroom` for more."
].join("\n").split("\n").map((line, i) => i === 0 || line === "" ? line : `  ${line}`).join("\n")

export const root = Command.make("headroom").pipe(
  Command.withDescription(description),
  Command.withSubcommands([
    compressCommand,
    crushCommand,
    logsCommand,
    searchCommand,
    diffCommand,
    codeCommand,
    htmlCommand,
    kompressCommand,
    routeCommand,
    ccrPutCommand,
    ccrGetCommand,
    evalsCommand
  ])
)

export const main = (args: ReadonlyArray<string>) =>
  Command.runWith(root, { version })(args).pipe(
    Effect.provide(NodeServices.layer),
    Effect.provide(CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version] })),
    Effect.catchCause(() =>
      Effect.sync(() => {
        // effect/cli has already shown the usage error and help.
        process.exitCode = 2
      })
    )
  )

// A reader that stops early (`headroom ccr-get … | head`) closes the pipe: end quietly, as
// Unix tools do, instead of reporting an unhandled EPIPE.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

Effect.runFork(main(process.argv.slice(2)))
