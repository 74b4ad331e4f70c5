/**
 * `headroom mcp` (the MCP server on stdio), `headroom mcp install --client …` and `headroom mcp
 * uninstall --client …`.
 *
 * @since 0.4.0
 */
import { Effect, ManagedRuntime } from "effect"
import { Command, Flag } from "effect/cli"
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, join } from "node:path"
import { resolveSettings } from "../core/config.ts"
import { InvalidArgument } from "../core/errors.ts"
import * as Runtime from "../runtime.ts"
import { CLIENTS, clientNamed, type McpClient, type Scope } from "../servers/mcp/clients.ts"
import { diffOf, hasServer, jsonProblem, SERVER_NAME, withoutServer, withServer } from "../servers/mcp/install.ts"
import { serveStdio } from "../servers/mcp/server.ts"
import { which } from "../servers/wrap/wrap.ts"
import { reportErrors, say, writeStdout } from "./io.ts"

const NAMES = CLIENTS.map((c) => c.name).join(", ")

const clientFlag = Flag.String("client").pipe(Flag.withDescription(`the MCP client: ${NAMES}`))
const scopeFlag = Flag.Literals("scope", ["user", "project"] as const).pipe(
  Flag.withDescription("the user's own config, or the project's (in the current directory)"),
  Flag.withDefault("user" as Scope)
)
const dryRunFlag = Flag.Boolean("dry-run").pipe(Flag.withDescription("print the change as a diff; write nothing"), Flag.withDefault(false))

/** What install wrote, by file: the bytes before (null: no file), after, and directories it made. */
interface Installed {
  readonly before: string | null
  readonly after: string
  readonly madeDirs: ReadonlyArray<string>
}

const recordsPath = () => join(resolveSettings().home, "mcp-installs.json")

const readRecords = (): Record<string, Installed> => {
  try {
    return JSON.parse(readFileSync(recordsPath(), "utf8")) as Record<string, Installed>
  } catch {
    return {}
  }
}

const writeAtomically = (path: string, text: string) => {
  const mode = existsSync(path) ? statSync(path).mode : 0o644
  const temporary = `${path}.headroom-${process.pid}`
  writeFileSync(temporary, text, { mode })
  renameSync(temporary, path)
}

const writeRecords = (records: Record<string, Installed>) => {
  mkdirSync(dirname(recordsPath()), { recursive: true })
  writeAtomically(recordsPath(), `${JSON.stringify(records, null, 2)}\n`)
}

/** How a client starts the server: `headroom mcp` when this headroom is the one on the PATH, else node and this script. */
const serverCommand = (): { command: string; args: Array<string> } => {
  const script = process.argv[1]!
  const onPath = which("headroom", process.env.PATH)
  try {
    if (onPath !== undefined && realpathSync(onPath) === realpathSync(script)) return { command: "headroom", args: ["mcp"] }
  } catch {
    // Not resolvable: the full command below.
  }
  return { command: process.execPath, args: [script, "mcp"] }
}

const target = (name: string, scope: Scope) =>
  Effect.gen(function*() {
    const client = clientNamed(name)
    if (client === undefined) return yield* new InvalidArgument({ name: "--client", value: name, expected: `one of ${NAMES}` })
    const file = client.file(scope, homedir(), process.cwd())
    if (file === undefined) return yield* new InvalidArgument({ name: "--scope", value: scope, expected: `user: ${client.title} has no project MCP config` })
    return { client, file }
  })

const readText = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, "utf8") : undefined)

const refuseBroken = (client: McpClient, file: string, text: string | undefined) =>
  Effect.gen(function*() {
    const problem = text !== undefined && client.format === "json" ? jsonProblem(text) : undefined
    if (problem !== undefined) return yield* new InvalidArgument({ name: "config file", value: file, expected: `a file headroom can edit safely, but ${problem}; fix it, or add headroom by hand` })
  })

const installCommand = Command.make("install", { client: clientFlag, scope: scopeFlag, dryRun: dryRunFlag }, (flags) =>
  Effect.gen(function*() {
    const { client, file } = yield* target(flags.client, flags.scope)
    const before = readText(file)
    yield* refuseBroken(client, file, before)
    if (before !== undefined && hasServer(client, before)) return yield* say(`headroom mcp: ${client.title} already has a "${SERVER_NAME}" server in ${file}`)
    const { command, args } = serverCommand()
    const after = withServer(client, before, client.entry(command, args))
    if (flags.dryRun) return yield* writeStdout(diffOf(file, before ?? "", after))
    const madeDirs: Array<string> = []
    for (let dir = dirname(file); !existsSync(dir); dir = dirname(dir)) madeDirs.unshift(dir)
    mkdirSync(dirname(file), { recursive: true })
    writeAtomically(file, after)
    writeRecords({ ...readRecords(), [file]: { before: before ?? null, after, madeDirs } })
    yield* say(`headroom mcp: added to ${client.title}'s ${file} (undo: headroom mcp uninstall --client ${client.name} --scope ${flags.scope})`)
  }).pipe(reportErrors("mcp install"))).pipe(
    Command.withShortDescription("add headroom's MCP server to a client's config, keeping every other byte"),
    Command.withDescription(
      "Add headroom's MCP server to the MCP configuration of Claude Code (.mcp.json, or ~/.claude.json), Codex " +
        "(config.toml), Gemini CLI (settings.json), Cursor (mcp.json) or Copilot CLI (~/.copilot/mcp-config.json), " +
        "editing the file in place: comments, other servers and formatting stay as they are. What was there before " +
        "is remembered in $HEADROOM_HOME, so uninstall puts it back byte for byte."
    ),
    Command.withExamples([
      { command: "headroom mcp install --client claude --scope project", description: "this project's .mcp.json" },
      { command: "headroom mcp install --client codex --dry-run", description: "show the change to ~/.codex/config.toml" }
    ])
  )

const uninstallCommand = Command.make("uninstall", { client: clientFlag, scope: scopeFlag, dryRun: dryRunFlag }, (flags) =>
  Effect.gen(function*() {
    const { client, file } = yield* target(flags.client, flags.scope)
    const current = readText(file)
    const records = readRecords()
    const record = records[file]
    if (current === undefined || !hasServer(client, current)) {
      if (record && !flags.dryRun) {
        const { [file]: _, ...rest } = records
        writeRecords(rest)
      }
      return yield* say(`headroom mcp: ${client.title} has no "${SERVER_NAME}" server in ${file}; nothing to remove`)
    }
    // Unchanged since install: the bytes from before, exactly. Changed since: only headroom's entry goes.
    const restore = record !== undefined && record.after === current
    const after = restore ? record.before : withoutServer(client, current)
    if (flags.dryRun) return yield* writeStdout(diffOf(file, current, after ?? ""))
    if (after === null) {
      unlinkSync(file)
      for (const dir of [...(record?.madeDirs ?? [])].reverse()) {
        try {
          rmdirSync(dir)
        } catch {
          // Not empty any more: it stays.
        }
      }
    } else writeAtomically(file, after)
    const { [file]: _, ...rest } = records
    writeRecords(rest)
    yield* say(`headroom mcp: removed from ${client.title}'s ${file}`)
  }).pipe(reportErrors("mcp uninstall"))).pipe(
    Command.withShortDescription("remove exactly what mcp install added"),
    Command.withDescription(
      "Remove headroom's MCP server from a client's configuration: the file as it was before install, byte for " +
        "byte, when it has not changed since; else only headroom's entry is taken out."
    )
  )

export const mcpCommand = Command.make("mcp", {}, () =>
  Effect.gen(function*() {
    const runtime = ManagedRuntime.make(Runtime.layer())
    yield* Effect.tryPromise({ try: () => runtime.runPromise(Effect.void), catch: (e) => e })
    yield* Effect.tryPromise({ try: () => serveStdio(runtime), catch: (e) => e })
    yield* Effect.promise(() => runtime.dispose())
  }).pipe(reportErrors("mcp"))).pipe(
    Command.withShortDescription("serve headroom's tools to MCP clients over stdio"),
    Command.withDescription(
      "Serve three tools over MCP (stdio): headroom_compress {content, type?, query?, path?} (the compressed text, " +
        "its hash, tokens before and after, the stage that ran), headroom_retrieve {hash, query?, lines?} (an " +
        "original, or part of it, by the rules of ccr-get) and headroom_stats {} (what the proxy saved, this session " +
        "and overall). It shares the store with the proxy and the CLI. Logs go to stderr; stdout is the protocol. " +
        "`headroom mcp install --client NAME` adds it to a client's config."
    ),
    Command.withExamples([
      { command: "headroom mcp install --client claude", description: "add it to Claude Code" },
      { command: "npx @modelcontextprotocol/inspector --cli headroom mcp --method tools/list", description: "list its tools" }
    ]),
    Command.withSubcommands([installCommand, uninstallCommand])
  )
