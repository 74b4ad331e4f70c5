/**
 * The `headroom` command: one subcommand per stage.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { CliConfig, CliOutput, Command, GlobalFlag } from "effect/cli"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { ENVIRONMENT } from "../core/config.ts"
import { compressStage } from "../stages/compress.ts"
import { STAGES } from "../stages/registry.ts"
import { ccrGetCommand } from "./ccr-get.ts"
import { ccrPutCommand } from "./ccr-put.ts"
import { evalsCommand } from "./evals.ts"
import { mcpCommand } from "./mcp.ts"
import { proxyCommand } from "./proxy.ts"
import { statsCommand } from "./stats.ts"
import { routeCommand } from "./route.ts"
import { stageCommand } from "./stage-command.ts"
import { unwrapCommand, wrapCommand } from "./wrap.ts"

import { VERSION as version } from "../core/version.ts"

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
    stageCommand(compressStage),
    ...STAGES.map(stageCommand),
    routeCommand,
    ccrPutCommand,
    ccrGetCommand,
    evalsCommand,
    proxyCommand,
    statsCommand,
    wrapCommand,
    unwrapCommand,
    mcpCommand
  ])
)

/**
 * Help asked for goes to stdout; a usage error goes to stderr as the error and one line saying
 * where help is — never the help itself on stdout, where it would flow down a pipe as data.
 */
const presenter = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Effect.gen(function*() {
        const formatter = yield* CliOutput.Formatter
        yield* Console.error(formatter.formatErrors(event.errors))
        yield* Console.error(`Run 'headroom ${event.commandPath.slice(1).join(" ") || ""} --help' for usage.`.replace("  ", " "))
      })
      : CliOutput.defaultPresenter.present(event)
})

export const main = (args: ReadonlyArray<string>) =>
  Command.runWith(root, { version })(args).pipe(
    Effect.provide(NodeServices.layer),
    Effect.provide(presenter),
    Effect.provide(CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version] })),
    Effect.catchCause(() =>
      Effect.sync(() => {
        // effect/cli has already shown the usage error and help.
        process.exitCode = 2
      })
    )
  )

// A reader that stops early (`headroom ccr-get … | head`) closes the pipe: end quietly, as Unix
// tools do, with the status of a process that SIGPIPE ended (128 + 13), so `set -o pipefail`
// and callers see that not all the output was written.
const EXIT_PIPE = 141
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT_PIPE)
  throw error
})

Effect.runFork(main(process.argv.slice(2)))
