import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { removeHome, tempHome } from "../../test/helpers.ts"
import { defaults, parseDuration, parseSize, resolveSettings } from "./config.ts"
import { InvalidConfig } from "./errors.ts"

let home: string | undefined
afterEach(() => home && removeHome(home))

const withFile = (content: string) => {
  home = tempHome()
  mkdirSync(home, { recursive: true })
  writeFileSync(join(home, "config.json"), content)
  return home
}

describe("settings", () => {
  it("defaults when nothing is set", () => {
    home = tempHome()
    expect(resolveSettings({}, { HEADROOM_HOME: home })).toEqual({ home, ...defaults })
  })

  it("takes flags over environment over config file", () => {
    const h = withFile(JSON.stringify({ ttl: "1d", model: "gpt-4", minTokens: 50, storeMax: "10MB" }))
    expect(resolveSettings({}, { HEADROOM_HOME: h })).toMatchObject({ ttlMs: 86_400_000, model: "gpt-4", minTokens: 50, storeMaxBytes: 10_000_000 })
    const env = { HEADROOM_HOME: h, HEADROOM_TTL: "2h", HEADROOM_MODEL: "claude-sonnet-4" }
    expect(resolveSettings({}, env)).toMatchObject({ ttlMs: 7_200_000, model: "claude-sonnet-4", minTokens: 50 })
    expect(resolveSettings({ ttl: "30m", model: "gpt-5" }, env)).toMatchObject({ ttlMs: 1_800_000, model: "gpt-5" })
  })

  it("names the source of a bad value", () => {
    const h = withFile(JSON.stringify({ ttl: "soon" }))
    expect(() => resolveSettings({}, { HEADROOM_HOME: h })).toThrow(InvalidConfig)
    expect(() => resolveSettings({}, { HEADROOM_HOME: h })).toThrow(/config\.json: ttl must be a duration/)
    expect(() => resolveSettings({ ttl: "-1d" }, { HEADROOM_HOME: h })).toThrow(/--ttl/)
    const bad = withFile("{ not json")
    expect(() => resolveSettings({}, { HEADROOM_HOME: bad })).toThrow(/not a valid config file/)
  })

  it("reads the user's tool rules, and names what is wrong with a bad one", () => {
    const rule = { tools: ["fetch_source"], kind: "read", pathArg: "uri", readBack: { tool: "fetch_source", path: "uri", offset: "from", limit: "count" } }
    expect(resolveSettings({}, { HEADROOM_HOME: withFile(JSON.stringify({ tools: [rule] })) }).tools).toEqual([rule])
    const bad = (tools: unknown) => () => resolveSettings({}, { HEADROOM_HOME: withFile(JSON.stringify({ tools })) })
    expect(bad({ tools: ["x"] })).toThrow(/config\.json: tools must be an array of rules/)
    expect(bad([{ tools: "Read", kind: "read" }])).toThrow(/tools\[0\]\.tools must be a list of tool names/)
    expect(bad([{ tools: ["Read"], kind: "file" }])).toThrow(/tools\[0\]\.kind must be one of read, shell, .*got "file"/)
    expect(bad([{ tools: ["Read"], kind: "read", pathArgs: "p" }])).toThrow(/tools\[0\] has an unknown field "pathArgs"/)
    expect(bad([{ tools: ["Read"], kind: "read", readBack: { tool: "Read" } }])).toThrow(/tools\[0\]\.readBack must name/)
  })

  it("parses durations and sizes", () => {
    expect(["7d", "12h", "90m", "30s", "45", "1w"].map(parseDuration)).toEqual([604_800_000, 43_200_000, 5_400_000, 30_000, 45_000, 604_800_000])
    expect(["", "x", "0", "-3h"].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined])
    expect(["1GB", "512MiB", "64m", "100"].map(parseSize)).toEqual([1e9, 512 * 1024 ** 2, 64 * 1024 ** 2, 100])
    expect(parseSize("lots")).toBeUndefined()
  })
})
