/**
 * Settings, resolved once per process: flags > `HEADROOM_*` environment > `$HEADROOM_HOME/config.json`
 * > defaults. The defaults below are the only defaults in the project.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { readFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { type ToolRule, toolRulesOf } from "../pipeline/rules.ts"
import { InvalidConfig } from "./errors.ts"

export interface Settings {
  /** Where the store and config file live (`$HEADROOM_HOME`, default `~/.headroom`). */
  readonly home: string
  /** How long a stored original is kept after it was last stored or pinned. */
  readonly ttlMs: number
  /** The store's size cap; the oldest originals are evicted past it. */
  readonly storeMaxBytes: number
  /** The model whose tokenizer counts tokens in reports. */
  readonly model: string
  /** Inputs estimated below this many tokens pass through unchanged. */
  readonly minTokens: number
  /** A local token-classification model directory for kompress; the statistical scorer when unset. */
  readonly kompressModel?: string | undefined
  /**
   * The user's own tool rules (config file `"tools"`), tried before the built-in ones: each names
   * tools, the kind of result they give and which arguments say what (see pipeline/rules.ts).
   */
  readonly tools?: ReadonlyArray<ToolRule> | undefined
}

const toolRules = (source: string, raw: unknown): ReadonlyArray<ToolRule> | undefined => {
  if (raw === undefined) return undefined
  const rules = toolRulesOf(raw)
  if (typeof rules === "string") throw new InvalidConfig({ source, reason: `tools${rules.startsWith("[") ? "" : " "}${rules}` })
  return rules
}

export const defaults = {
  ttlMs: 7 * 24 * 3600 * 1000,
  storeMaxBytes: 1024 * 1024 * 1024,
  model: "gpt-4o",
  minTokens: 200
} as const

/** The environment variables headroom reads; `headroom --help` and the man page list the same. */
export const ENVIRONMENT = {
  HEADROOM_HOME: "directory of the store and config.json (default ~/.headroom)",
  HEADROOM_TTL: "how long originals are kept, e.g. 7d, 12h, 30m (default 7d)",
  HEADROOM_STORE_MAX: "store size cap, e.g. 1GB, 512MB (default 1GB)",
  HEADROOM_MODEL: "model whose tokenizer counts tokens (default gpt-4o)",
  HEADROOM_MIN_TOKENS: "inputs below this many tokens pass through (default 200)",
  HEADROOM_KOMPRESS_MODEL: "local model directory for kompress (default: none, the statistical scorer)",
  HEADROOM_UPSTREAM_OPENAI: "where the proxy sends OpenAI calls (default https://api.openai.com/v1)",
  HEADROOM_UPSTREAM_ANTHROPIC: "where the proxy sends Anthropic calls (default https://api.anthropic.com)",
  HEADROOM_UPSTREAM_GEMINI: "where the proxy sends Gemini calls (default https://generativelanguage.googleapis.com)",
  HEADROOM_PROXY_TOKEN: "a token the proxy's clients must send in x-headroom-token (default: none)"
} as const

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `"7d"`, `"12h"`, `"90m"`, `"30s"`, or a bare number of seconds. */
export const parseDuration = (text: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text)
  if (!m) return undefined
  const ms = Number(m[1]) * (DURATION_UNITS[(m[2] ?? "s").toLowerCase()] ?? 1000)
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

/** `"1GB"`, `"512MiB"`, `"64m"`, or a bare number of bytes. */
export const parseSize = (text: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i.exec(text)
  if (!m) return undefined
  const unit = SIZE_UNITS[(m[2] ?? "b").toLowerCase()]
  if (unit === undefined) return undefined
  const bytes = Math.round(Number(m[1]) * unit)
  return bytes > 0 && Number.isFinite(bytes) ? bytes : undefined
}

const parsePositiveInt = (text: string): number | undefined => {
  const n = Number(text)
  return Number.isInteger(n) && n >= 0 ? n : undefined
}

/** Values given on the command line; absent ones fall through to the environment and file. */
export interface Overrides {
  readonly ttl?: string | undefined
  readonly model?: string | undefined
}

type Env = Readonly<Record<string, string | undefined>>

const field = <A>(
  source: string,
  name: string,
  raw: unknown,
  parse: (text: string) => A | undefined,
  expected: string
): A | undefined => {
  if (raw === undefined || raw === null || raw === "") return undefined
  const value = parse(String(raw))
  if (value === undefined) {
    throw new InvalidConfig({ source, reason: `${name} must be ${expected}, got ${JSON.stringify(raw)}` })
  }
  return value
}

const readConfigFile = (path: string): Record<string, unknown> => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return {}
    throw new InvalidConfig({ source: path, reason: (e as Error).message })
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error("expected a JSON object")
    }
    return parsed as Record<string, unknown>
  } catch (e) {
    throw new InvalidConfig({ source: path, reason: `not a valid config file (${(e as Error).message})` })
  }
}

/** Resolves settings synchronously; throws {@link InvalidConfig} on a bad value. */
export const resolveSettings = (overrides: Overrides = {}, env: Env = process.env): Settings => {
  const home = env.HEADROOM_HOME || join(homedir(), ".headroom")
  const filePath = join(home, "config.json")
  const file = readConfigFile(filePath)
  const pick = <A>(
    name: string,
    flag: string | undefined,
    envName: keyof typeof ENVIRONMENT,
    fileKey: string,
    parse: (text: string) => A | undefined,
    expected: string
  ): A | undefined =>
    field(`--${name}`, name, flag, parse, expected) ??
      field(envName, envName, env[envName], parse, expected) ??
      field(filePath, fileKey, file[fileKey], parse, expected)

  return {
    home,
    ttlMs: pick("ttl", overrides.ttl, "HEADROOM_TTL", "ttl", parseDuration, "a duration like 7d, 12h or 30m") ??
      defaults.ttlMs,
    storeMaxBytes: pick("store-max", undefined, "HEADROOM_STORE_MAX", "storeMax", parseSize, "a size like 1GB or 512MB") ??
      defaults.storeMaxBytes,
    model: pick("model", overrides.model, "HEADROOM_MODEL", "model", (s) => s.trim() || undefined, "a model name") ??
      defaults.model,
    minTokens: pick("min-tokens", undefined, "HEADROOM_MIN_TOKENS", "minTokens", parsePositiveInt, "a whole number") ??
      defaults.minTokens,
    kompressModel: pick("kompress-model", undefined, "HEADROOM_KOMPRESS_MODEL", "kompressModel", (s) => s.trim() || undefined, "a directory"),
    tools: toolRules(filePath, file.tools)
  }
}

/** The settings of this process, as a service. */
export class Config extends Context.Service<Config, Settings>()("headroom/Config") {}

/** Reads flags, environment and config file; fails with a one-line {@link InvalidConfig}. */
export const layer = (overrides: Overrides = {}, env: Env = process.env): Layer.Layer<Config, InvalidConfig> =>
  Layer.effect(
    Config,
    Effect.try({
      try: () => resolveSettings(overrides, env),
      catch: (e) => e instanceof InvalidConfig ? e : new InvalidConfig({ source: "config", reason: String(e) })
    })
  )

/** Fixed settings, for tests and embedding. */
export const layerWith = (settings: Partial<Settings> & { readonly home: string }): Layer.Layer<Config> =>
  Layer.succeed(Config, { ...defaults, ...settings })
