/**
 * `headroom wrap <agent> [-- agent args…]` and `headroom unwrap [agent]`.
 *
 * @since 0.4.0
 */
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { InvalidArgument } from "../core/errors.ts"
import { entries } from "../servers/proxy/ledger.ts"
import { AGENTS, agentNamed } from "../servers/wrap/agents/index.ts"
import { wrap, WrapError } from "../servers/wrap/wrap.ts"
import { report, runSummary } from "../stats/report.ts"
import { reportErrors, say, servicesLayer, writeStdout } from "./io.ts"

const NAMES = AGENTS.map((a) => a.name).join(", ")

const agentArgument = (name: string) =>
  Argument.String(name).pipe(Argument.withDescription(`the agent: ${NAMES}`))

const named = (name: string) =>
  Effect.gen(function*() {
    const agent = agentNamed(name)
    if (agent === undefined) return yield* new InvalidArgument({ name: "agent", value: name, expected: `one of ${NAMES}` })
    return agent
  })

export const wrapCommand = Command.make(
  "wrap",
  {
    agent: agentArgument("agent"),
    args: Argument.String("args").pipe(Argument.withDescription("the agent's own arguments, after --"), Argument.variadic()),
    port: Flag.Int("port").pipe(Flag.withDescription("the proxy's port: a headroom proxy there is used, else one is started"), Flag.withDefault(8787)),
    summary: Flag.Boolean("summary").pipe(Flag.withDescription("say what was saved at exit even when stderr is not a terminal"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      const agent = yield* named(flags.agent)
      if (flags.port < 0 || flags.port > 65535) return yield* new InvalidArgument({ name: "--port", value: String(flags.port), expected: "a port from 0 to 65535" })
      if (agent.instructions) return yield* writeStdout(`${agent.instructions(`http://127.0.0.1:${flags.port}`)}\n`)
      const run = yield* Effect.tryPromise({
        try: () =>
          wrap({
            agent,
            args: flags.args,
            port: flags.port,
            env: process.env,
            command: [process.execPath, process.argv[1]!],
            say: (line) => void process.stderr.write(`${line}\n`)
          }),
        catch: (e) => e
      }).pipe(
        Effect.catch((e) =>
          Effect.gen(function*() {
            yield* say(`headroom wrap: ${e instanceof Error ? e.message : String(e)}`)
            process.exitCode = e instanceof WrapError ? e.status : 1
            return undefined
          })
        )
      )
      if (run === undefined) return
      process.exitCode = run.status
      if (!flags.summary && !process.stderr.isTTY) return
      // The ledger may be busy or absent: the summary is a courtesy, never an error of the run.
      const mine = yield* entries(run.since).pipe(
        Effect.map((all) => all.filter((e) => e.client === agent.client)),
        Effect.provide(servicesLayer()),
        Effect.orElseSucceed(() => [])
      )
      yield* say(runSummary(agent.title, report(mine, run.since).totals))
    }).pipe(reportErrors("wrap"))
).pipe(
  Command.withShortDescription("run an agent CLI with its model calls compressed by headroom"),
  Command.withDescription(
    `Run ${AGENTS.filter((a) => a.executable).map((a) => a.title).join(", ")} as always — same terminal, ` +
      "keys, arguments and exit status — with its model calls going through a headroom proxy: one already on the " +
      "port is used, else one is started for the session and started again if it stops. Only the run's environment " +
      "and flags change, never a config file. The agent's shell finds headroom on its PATH, so markers' " +
      "`headroom ccr-get HASH` works from inside it. At exit a line on stderr says what was saved (on a terminal, " +
      "or with --summary). `headroom wrap cursor` prints the settings to enter in Cursor."
  ),
  Command.withExamples([
    { command: "headroom wrap claude", description: "Claude Code, interactive" },
    { command: "headroom wrap codex -- exec \"fix the failing test\"", description: "Codex with its own arguments" },
    { command: "headroom wrap gemini --port 9000 -- -p \"summarise the logs\"", description: "on another port" }
  ])
)

export const unwrapCommand = Command.make(
  "unwrap",
  { agent: agentArgument("agent").pipe(Argument.optional) },
  (flags) =>
    Effect.gen(function*() {
      const agents = Option.isSome(flags.agent) ? [yield* named(flags.agent.value)] : AGENTS
      const titles = agents.map((a) => a.title).join(", ")
      yield* writeStdout(
        `Nothing to undo for ${titles}: headroom wrap changes only the environment and flags of the run it starts, ` +
          "never a config file, and stops the proxy it started when the agent exits.\n"
      )
    }).pipe(reportErrors("unwrap"))
).pipe(
  Command.withShortDescription("undo what wrap changed (nothing persists: it says so)"),
  Command.withDescription(
    "Undo any persistent change headroom wrap made for an agent. wrap points each agent at the proxy through " +
      "the environment and flags of the one run it starts, so there is no config file to restore; this command " +
      "says so, for scripts that undo what they set up."
  )
)
