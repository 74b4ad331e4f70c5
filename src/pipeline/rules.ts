/**
 * What a tool's result is, told by its call before any sniffing: the tool's name says what kind
 * of result it gives (a file read, shell output, search results…) and which argument holds the
 * file's path or the command; a shell command says what its output is (`git diff` a diff, `rg`
 * search results, `npm test` a test log, `cat FILE` FILE's language). Rules are data — defaults
 * for Claude Code, Codex, Gemini CLI and Copilot CLI below, and a user's own in
 * `$HEADROOM_HOME/config.json` under `"tools"`, tried first.
 *
 * @since 0.2.0
 */
import type { ContentType } from "../core/content.ts"

/** What a tool's result holds. */
export const TOOL_KINDS = ["read", "shell", "search", "write", "edit", "fetch", "list", "subagent"] as const
export type ToolKind =
  /** A file's lines (numbered or not), from the agent's file-reading tool. */
  | "read"
  /** A command's output. */
  | "shell"
  /** Search results (grep, ripgrep). */
  | "search"
  /** A confirmation of a file written; Claude Code echoes the file in numbered lines. */
  | "write"
  /** A confirmation of an edit, with a numbered snippet of the file. */
  | "edit"
  /** A web page or search result, fetched. */
  | "fetch"
  /** A list of paths or names: every one is the point, it passes through. */
  | "list"
  /** A subagent's report. */
  | "subagent"

/** How an agent reads lines of a file back: its own tool and that tool's argument names. */
export interface ReadTool {
  readonly tool: string
  readonly path: string
  readonly offset: string
  readonly limit: string
}

export interface ToolRule {
  /** The tools' names, as the agent declares them. */
  readonly tools: ReadonlyArray<string>
  readonly kind: ToolKind
  /**
   * The argument naming a background command or session whose output this call fetches
   * (Claude Code's TaskOutput `task_id`, Codex's write_stdin `session_id`): the command that
   * started it says what the output is.
   */
  readonly taskArg?: string
  /** The arguments that hold a file's path, a command, a search pattern, a file's new content. */
  readonly pathArg?: string
  readonly commandArg?: string
  readonly patternArg?: string
  readonly contentArg?: string
  /** The arguments of a partial read (`offset`/`limit`), which say where the agent is looking. */
  readonly offsetArg?: string
  readonly limitArg?: string
  /** How this agent reads lines back, for markers in its file reads. */
  readonly readBack?: ReadTool
}

const ARG_FIELDS = ["taskArg", "pathArg", "commandArg", "patternArg", "contentArg", "offsetArg", "limitArg"]
const READ_TOOL_FIELDS = ["tool", "path", "offset", "limit"]

/**
 * Tool rules as a config file gives them, checked: what is wrong with the first bad one (so the
 * user hears it at start, not as a rule silently ignored), or the rules.
 */
export const toolRulesOf = (raw: unknown): ReadonlyArray<ToolRule> | string => {
  if (!Array.isArray(raw)) return "must be an array of rules"
  for (const [i, rule] of raw.entries()) {
    if (typeof rule !== "object" || rule === null || Array.isArray(rule)) return `[${i}] must be an object`
    if (!Array.isArray(rule.tools) || rule.tools.length === 0 || !rule.tools.every((t: unknown) => typeof t === "string")) {
      return `[${i}].tools must be a list of tool names`
    }
    if (!TOOL_KINDS.includes(rule.kind)) return `[${i}].kind must be one of ${TOOL_KINDS.join(", ")}, got ${JSON.stringify(rule.kind)}`
    for (const [key, value] of Object.entries(rule)) {
      if (key === "tools" || key === "kind") continue
      if (key === "readBack") {
        const ok = typeof value === "object" && value !== null && READ_TOOL_FIELDS.every((f) => typeof (value as Record<string, unknown>)[f] === "string")
        if (!ok) return `[${i}].readBack must name the tool and its ${READ_TOOL_FIELDS.slice(1).join(", ")} arguments, as strings`
      } else if (!ARG_FIELDS.includes(key)) return `[${i}] has an unknown field "${key}" (known: tools, kind, ${[...ARG_FIELDS, "readBack"].join(", ")})`
      else if (typeof value !== "string") return `[${i}].${key} must be an argument name`
    }
  }
  return raw as ReadonlyArray<ToolRule>
}

const CLAUDE_READ: ReadTool = { tool: "Read", path: "file_path", offset: "offset", limit: "limit" }
const GEMINI_READ: ReadTool = { tool: "read_file", path: "file_path", offset: "offset", limit: "limit" }

export const DEFAULT_RULES: ReadonlyArray<ToolRule> = [
  // Claude Code
  { tools: ["Read"], kind: "read", pathArg: "file_path", offsetArg: "offset", limitArg: "limit", readBack: CLAUDE_READ },
  { tools: ["Write"], kind: "write", pathArg: "file_path", contentArg: "content" },
  { tools: ["Edit", "MultiEdit", "NotebookEdit"], kind: "edit", pathArg: "file_path" },
  { tools: ["Bash"], kind: "shell", commandArg: "command" },
  { tools: ["BashOutput", "TaskOutput"], kind: "shell", taskArg: "task_id" },
  { tools: ["Grep"], kind: "search", patternArg: "pattern" },
  { tools: ["Glob", "LS", "TodoWrite"], kind: "list", patternArg: "pattern" },
  { tools: ["WebFetch", "WebSearch"], kind: "fetch" },
  { tools: ["Task", "Agent"], kind: "subagent" },
  // Codex
  { tools: ["exec_command", "shell", "local_shell", "exec", "unified_exec"], kind: "shell", commandArg: "cmd" },
  { tools: ["write_stdin"], kind: "shell", taskArg: "session_id" },
  { tools: ["apply_patch"], kind: "edit" },
  { tools: ["update_plan"], kind: "list" },
  // Gemini CLI
  { tools: ["read_file", "read_many_files"], kind: "read", pathArg: "file_path", offsetArg: "offset", limitArg: "limit", readBack: GEMINI_READ },
  { tools: ["run_shell_command"], kind: "shell", commandArg: "command" },
  { tools: ["search_file_content", "grep_search"], kind: "search", patternArg: "pattern" },
  { tools: ["glob", "list_directory", "write_todos"], kind: "list", patternArg: "pattern" },
  { tools: ["write_file"], kind: "write", pathArg: "file_path", contentArg: "content" },
  { tools: ["replace"], kind: "edit", pathArg: "file_path" },
  { tools: ["web_fetch", "google_web_search"], kind: "fetch" },
  { tools: ["delegate_to_agent"], kind: "subagent" },
  // Copilot CLI
  { tools: ["bash", "powershell", "read_bash"], kind: "shell", commandArg: "command" },
  { tools: ["view"], kind: "read", pathArg: "path" },
  { tools: ["str_replace_editor", "edit", "create"], kind: "edit", pathArg: "path" }
]

/** Arguments some agents name otherwise: a path may be `path`, `absolute_path`, `file`. */
const PATH_ARGS = ["file_path", "path", "absolute_path", "file", "filename"]
const COMMAND_ARGS = ["command", "cmd", "commands"]

/** The rule for a tool, the user's first, then the defaults. */
export const ruleFor = (name: string, rules: ReadonlyArray<ToolRule> = DEFAULT_RULES): ToolRule | undefined =>
  rules.find((r) => r.tools.includes(name))

const stringArg = (args: unknown, keys: ReadonlyArray<string | undefined>): string | undefined => {
  if (args === null || typeof args !== "object") return undefined
  for (const key of keys) {
    if (key === undefined) continue
    const v = (args as Record<string, unknown>)[key]
    if (typeof v === "string" && v !== "") return v
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join(" ")
  }
  return undefined
}

const numberArg = (args: unknown, key: string | undefined): number | undefined => {
  if (key === undefined || args === null || typeof args !== "object") return undefined
  const v = Number((args as Record<string, unknown>)[key])
  return Number.isFinite(v) && v > 0 ? v : undefined
}

/** The arguments of a call, parsed when they came as a JSON string (OpenAI's function calls). */
export const argsOf = (raw: unknown): unknown => {
  if (typeof raw !== "string") return raw
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

export const pathOf = (rule: ToolRule | undefined, args: unknown): string | undefined => stringArg(args, [rule?.pathArg, ...PATH_ARGS])
export const commandOf = (rule: ToolRule | undefined, args: unknown): string | undefined =>
  typeof args === "string" && rule?.kind === "shell" ? args : stringArg(args, [rule?.commandArg, ...COMMAND_ARGS])
export const offsetOf = (rule: ToolRule | undefined, args: unknown) => numberArg(args, rule?.offsetArg)
export const taskOf = (rule: ToolRule | undefined, args: unknown): string | undefined => {
  const v = rule?.taskArg && args !== null && typeof args === "object" ? (args as Record<string, unknown>)[rule.taskArg] : undefined
  return typeof v === "string" || typeof v === "number" ? String(v) : undefined
}

/** A command's output that says it goes on in the background, and under which id (Claude Code, Codex). */
export const BACKGROUND = /running in background with ID: (\w+)|Process running with session ID (\d+)/
export const limitOf = (rule: ToolRule | undefined, args: unknown) => numberArg(args, rule?.limitArg)

/** What a shell command's output is. `file` means the file it prints (its path is `path`). */
export interface CommandOutput {
  readonly type?: ContentType | undefined
  readonly file?: string | undefined
  /** The file's line number of the output's first line, when the command says it (`sed -n '40,80p'`: 40). */
  readonly from?: number | undefined
  readonly numbered?: boolean | undefined
  readonly list?: boolean | undefined
  /** What headroom itself gave back (`headroom ccr-get`): the model asked for exactly this. */
  readonly retrieved?: boolean | undefined
}

/** Commands and what they print: the first pattern that matches the command's first segment wins. */
export const COMMANDS: ReadonlyArray<readonly [RegExp, CommandOutput | ((m: RegExpExecArray) => CommandOutput)]> = [
  [/^(?:\S*\/)?headroom\s+ccr-get\b/, { retrieved: true }],
  [/^git\s+(?:diff|show|format-patch|stash\s+show\s+-p)\b|^git\s+log\b.*\s(?:-p|--patch|-u)\b|^diff\s+-[a-zA-Z]*u/, { type: "diff" }],
  [/^(?:rg\s+--files|fd|find|ls|tree|du|git\s+ls-files|git\s+status|git\s+branch)\b/, { list: true }],
  [/^(?:rg|grep|egrep|fgrep|ag|ack|git\s+grep)\s/, { type: "search" }],
  [/^(?:npx\s+)?(?:pytest|py\.test|jest|vitest|mocha|rspec|phpunit|go\s+test|cargo\s+(?:test|build|check|clippy)|mix\s+\S+|mvn|gradle|\.\/gradlew|make|cmake|ctest|tsc|eslint|npm\s+(?:test|run|install|ci)|yarn|pnpm|bun\s+(?:test|run)|dotnet\s+(?:test|build)|swift\s+(?:test|build)|bundle\s+exec|rake|docker\s+(?:build|compose|logs)|kubectl\s+logs|journalctl|tail)\b/, { type: "log" }],
  [/^(?:curl|wget|http|gh\s+api|aws|gcloud|az|jq)\b|^kubectl\b.*-o\s*json|^npm\s+view\b.*--json|\s--json\b|--output[= ]json|-o\s*json/, { type: "json" }],
  [/^cat\s+-n\s+(\S+)\s*$|^nl\s+(?:-\S+\s+)*(\S+)\s*$/, (m) => ({ file: m[1] ?? m[2], numbered: true })],
  [/^(?:cat|less|more|bat)\s+(?:-\S+\s+)*(\S+)\s*$|^head\s+(?:-\S+\s+)*(?:\d+\s+)?(\S+)\s*$/, (m) => ({ file: m[1] ?? m[2], from: 1 })],
  [/^tail\s+(?:-\S+\s+)*(?:\d+\s+)?(\S+)\s*$/, (m) => ({ file: m[1] })],
  [/^sed\s+-n\s+['"]?(\d+)(?:,\d+)?p['"]?\s+(\S+)\s*$/, (m) => ({ file: m[2], from: Number(m[1]) })]
]

/** What a command prints, from its first segment (before `|`, `&&`, `;`), or nothing known. */
export const commandOutput = (command: string): CommandOutput => {
  const first = command.trim().replace(/^(?:cd\s+\S+\s*&&\s*|(?:[A-Z_]+=\S+\s+)+)/, "").split(/\s*(?:\|\||&&|;|\|)\s*/)[0] ?? ""
  const cleaned = first.replace(/\s+\d?>&?\d?\s*\/dev\/null|\s+2>&1/g, "").trim()
  for (const [pattern, output] of COMMANDS) {
    const m = pattern.exec(cleaned)
    if (m) return typeof output === "function" ? output(m) : output
  }
  return {}
}
