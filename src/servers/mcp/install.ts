/**
 * Adding headroom's MCP server to a client's config file, and taking it out again, by editing the
 * file in place: every other byte stays (comments, other servers, odd formatting). What install
 * wrote is recorded, so uninstall puts back exactly the bytes that were there; if the file changed
 * since, only headroom's entry is taken out.
 *
 * @since 0.4.0
 */
import type { ParseError } from "jsonc-parser"
import { createRequire } from "node:module"
import type { McpClient } from "./clients.ts"

// Required on first use (kept out of the CLI's bundle, which every command loads).
const require_ = createRequire(import.meta.url)
const jsonc = () => require_("jsonc-parser") as typeof import("jsonc-parser")

export const SERVER_NAME = "headroom"

/** The file's own indentation unit, so an added entry looks like the rest. */
const unitOf = (text: string): string => /\n([ \t]+)\S/.exec(text)?.[1] ?? "  "

const eolOf = (text: string): string => (text.includes("\r\n") ? "\r\n" : "\n")

/** The whitespace a line starts with, for the line holding `offset`. */
const indentAt = (text: string, offset: number): string => {
  const start = text.lastIndexOf("\n", offset - 1) + 1
  return /^[ \t]*/.exec(text.slice(start))![0]
}

/** `value` as JSON over several lines, each after the first starting with `indent`. */
const pretty = (value: unknown, unit: string, indent: string, eol: string): string =>
  JSON.stringify(value, null, unit).split("\n").join(eol + indent)

/**
 * Adds `"key": value` as the last property of the object node, touching nothing else: a comma after
 * the last property's value, the new property on a line of its own after that property's line (so a
 * comment that ends the line stays with it).
 */
const addProperty = (text: string, object: import("jsonc-parser").Node, key: string, value: unknown): string => {
  const eol = eolOf(text)
  const unit = unitOf(text)
  const last = object.children?.at(-1)
  if (last === undefined) {
    // `{}` or `{ }`: the property inside, the closing brace on its own line.
    const indent = indentAt(text, object.offset)
    const close = object.offset + object.length - 1
    return text.slice(0, object.offset + 1) + eol + indent + unit + JSON.stringify(key) + ": " + pretty(value, unit, indent + unit, eol) + eol + indent + text.slice(close)
  }
  const indent = indentAt(text, last.offset)
  const valueEnd = last.offset + last.length
  const brace = object.offset + object.length - 1
  let lineEnd = text.indexOf("\n", valueEnd)
  if (lineEnd === -1 || lineEnd > brace) lineEnd = brace
  else if (text[lineEnd - 1] === "\r") lineEnd--
  // What follows the value on its line: a comment, a trailing comma already there.
  const rest = text.slice(valueEnd, lineEnd).replace(/\s+$/, "")
  const comma = /^\s*,/.test(rest) ? "" : ","
  const added = eol + indent + JSON.stringify(key) + ": " + pretty(value, unit, indent, eol)
  return text.slice(0, valueEnd) + comma + rest + added + text.slice(valueEnd + rest.length)
}

/** Why a JSON (with comments) text cannot be edited safely, or undefined. */
export const jsonProblem = (text: string): string | undefined => {
  const errors: Array<ParseError> = []
  const tree = jsonc().parseTree(text, errors, { allowTrailingComma: true, disallowComments: false })
  if (errors.length > 0) {
    const at = errors[0]!.offset
    const line = text.slice(0, at).split("\n").length
    return `it is not valid JSON (line ${line})`
  }
  if (tree !== undefined && tree.type !== "object") return "it is JSON but not an object"
  return undefined
}

const tomlTable = (entry: Record<string, unknown>, eol: string): string =>
  [`[mcp_servers.${SERVER_NAME}]`, ...Object.entries(entry).map(([k, v]) => `${k} = ${JSON.stringify(v)}`)].join(eol) + eol

const TOML_HEADER = new RegExp(`^\\[mcp_servers\\.(?:${SERVER_NAME}|"${SERVER_NAME}")\\][ \\t]*(?:#.*)?$`, "m")

/** Whether the text already names the server. */
export const hasServer = (client: McpClient, text: string): boolean => {
  if (client.format === "toml") return TOML_HEADER.test(text)
  const tree = jsonc().parseTree(text, [], { allowTrailingComma: true })
  const servers = tree?.children?.find((p) => p.children?.[0]?.value === "mcpServers")?.children?.[1]
  return servers?.children?.some((p) => p.children?.[0]?.value === SERVER_NAME) ?? false
}

/** The text with the server added (the file's text, or undefined when there is no file yet). */
export const withServer = (client: McpClient, text: string | undefined, entry: Record<string, unknown>): string => {
  const base = text ?? ""
  if (client.format === "toml") {
    const eol = base.includes("\r\n") ? "\r\n" : "\n"
    const sep = base === "" ? "" : base.endsWith(eol + eol) ? "" : base.endsWith(eol) ? eol : eol + eol
    return base + sep + tomlTable(entry, eol)
  }
  const root = base.trim() === "" ? undefined : jsonc().parseTree(base)
  if (root?.type !== "object") return `${pretty({ mcpServers: { [SERVER_NAME]: entry } }, "  ", "", "\n")}\n`
  const servers = jsonc().findNodeAtLocation(root, ["mcpServers"])
  if (servers !== undefined && servers.type === "object") return addProperty(base, servers, SERVER_NAME, entry)
  return addProperty(base, root, "mcpServers", { [SERVER_NAME]: entry })
}

/** The text with the server taken out (a TOML table up to the next table or the end). */
export const withoutServer = (client: McpClient, text: string): string => {
  if (client.format === "json") {
    const { applyEdits, modify } = jsonc()
    return applyEdits(text, modify(text, ["mcpServers", SERVER_NAME], undefined, {}))
  }
  const m = TOML_HEADER.exec(text)
  if (!m) return text
  const rest = text.slice(m.index + m[0].length)
  const next = /^\[/m.exec(rest)
  const end = next ? m.index + m[0].length + next.index : text.length
  return text.slice(0, m.index) + text.slice(end)
}

/** A short diff of two texts: the lines that differ, with two of context either side. */
export const diffOf = (path: string, before: string, after: string): string => {
  const a = before === "" ? [] : before.split("\n")
  const b = after === "" ? [] : after.split("\n")
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const from = Math.max(0, head - 2)
  const out = [`--- ${path}`, `+++ ${path}`, `@@ -${from + 1} +${from + 1} @@`]
  for (let i = from; i < head; i++) out.push(` ${a[i]}`)
  for (let i = head; i < a.length - tail; i++) out.push(`-${a[i]}`)
  for (let i = head; i < b.length - tail; i++) out.push(`+${b[i]}`)
  for (let i = a.length - tail; i < Math.min(a.length, a.length - tail + 2); i++) out.push(` ${a[i]}`)
  return `${out.join("\n")}\n`
}
