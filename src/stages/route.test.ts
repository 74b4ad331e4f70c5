import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CORPUS } from "../../test/helpers.ts"
import { detect, routeBytes } from "./route.ts"

const file = (...path: Array<string>) => readFileSync(join(CORPUS, ...path))
const PROSE = [
  "The proxy forwards every request to the provider it was meant for, and it never changes the",
  "parts of a request that it does not understand. When compression fails for any reason, the",
  "original request is sent as it was, so the agent keeps working and the user is not billed twice.",
  "",
  "Each stored original can be fetched back with the hash in its marker, for as long as the store",
  "keeps it; the default is seven days, and pinning a marker extends that time."
].join("\n")
const text = (s: string) => new TextEncoder().encode(s)

describe("route", () => {
  it.each([
    [["json", "github-top-repos.json"], "json"],
    [["json", "npm-view-react.json"], "json"],
    [["logs", "HDFS_2k.log"], "log"],
    [["logs", "OpenStack_2k.log"], "log"],
    [["logs", "Apache_2k.log"], "log"],
    [["tool-outputs", "grep-export-const.txt"], "search"],
    [["code", "python", "requests", "models.py"], "code:python"],
    [["code", "typescript", "got", "index.ts"], "code:typescript"],
    [["code", "javascript", "express", "response.js"], "code:javascript"],
    [["code", "go", "gin", "context.go"], "code:go"],
    [["code", "rust", "json", "de.rs"], "code:rust"],
    [["code", "java", "gson", "JsonReader.java"], "code:java"],
    [["code", "cpp", "leveldb", "db_impl.cc"], "code:cpp"],
    [["html", "std-collections-HashMap.html"], "html"]
  ])("%j is %s", (path, type) => {
    expect(detect(file(...path))).toBe(type)
  })

  it("knows images by their magic bytes, binary by its bytes, and diffs", () => {
    expect(detect(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe("image:png")
    expect(detect(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBe("image:jpeg")
    expect(detect(new Uint8Array([0xc3, 0x28, 0xa0, 0xa1]))).toBe("binary")
    expect(detect(text("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"))).toBe("diff")
    expect(detect(text("Just a sentence of prose.\n"))).toBe("text") // one sentence: too little to call prose
    expect(detect(text(""))).toBe("text")
    expect(detect(text("{not json"))).not.toBe("json")
  })

  it("names the compressor for each type; images and binary pass through", () => {
    expect(routeBytes(text('{"a":1}'))).toEqual({ type: "json", compressor: "crush", bytes: 7 })
    expect(routeBytes(file("logs", "HDFS_2k.log")).compressor).toBe("logs")
    expect(routeBytes(file("tool-outputs", "grep-export-const.txt")).compressor).toBe("search")
    expect(routeBytes(text("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")).compressor).toBe("diff")
    expect(routeBytes(text(PROSE)).compressor).toBe("kompress")
    expect(routeBytes(text("Just a sentence of prose.\n")).compressor).toBeUndefined() // unsure: passes through
    expect(routeBytes(file("code", "go", "gin", "context.go")).compressor).toBe("code")
    expect(routeBytes(file("html", "std-collections-HashMap.html")).compressor).toBe("html")
    expect(routeBytes(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16])).compressor).toBeUndefined()
  })

  it.each(["rg-heading.txt", "rg-json.jsonl", "rg-context.txt", "grep-no-numbers.txt"])("knows %s (real rg/grep output) as search", (name) => {
    expect(detect(readFileSync(join(CORPUS, "..", "search", name)))).toBe("search")
  })

  it("knows test-runner output as a log, and JSON Lines as JSON", () => {
    const vitest = " ✓ src/a.test.ts (3 tests) 12ms\n ✓ src/b.test.ts (5 tests) 40ms\n × src/c.test.ts > adds\n\n Test Files  1 failed | 2 passed (3)\n      Tests  1 failed | 8 passed (9)\n"
    expect(detect(text(vitest))).toBe("log")
    expect(detect(text('{"level":"info","msg":"a"}\n{"level":"warn","msg":"b"}\n'))).toBe("json")
  })

  it("decides a large input from its prefix and end, without parsing all of it", () => {
    // Invalid in the middle, far past the prefix: a full parse would reject it.
    const big = text(`[${"1,".repeat(100_000)} oops ${"2,".repeat(100_000)}3]`)
    expect(detect(big)).toBe("json")
  })
})
