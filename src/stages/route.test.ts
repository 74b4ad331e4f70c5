import fc from "fast-check"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CORPUS, ROOT } from "../../test/helpers.ts"
import { LOG_FORMATS } from "../evals/log-formats.ts"
import { languageOfPath } from "./code/languages.ts"
import { compressorFor, detect, routeBytes } from "./route.ts"

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

  it("names the compressor for each type; images go to image, binary passes through", () => {
    expect(routeBytes(text('{"a":1}'))).toEqual({ type: "json", compressor: "crush", bytes: 7 })
    expect(routeBytes(file("logs", "HDFS_2k.log")).compressor).toBe("logs")
    expect(routeBytes(file("tool-outputs", "grep-export-const.txt")).compressor).toBe("search")
    expect(routeBytes(text("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")).compressor).toBe("diff")
    expect(routeBytes(text(PROSE)).compressor).toBe("kompress")
    expect(routeBytes(text("Just a sentence of prose.\n")).compressor).toBeUndefined() // unsure: passes through
    expect(routeBytes(file("code", "go", "gin", "context.go")).compressor).toBe("code")
    expect(routeBytes(file("html", "std-collections-HashMap.html")).compressor).toBe("html")
    expect(routeBytes(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16])).compressor).toBe("image")
    expect(routeBytes(new Uint8Array([0, 1, 2, 3, 0, 0, 0xfe, 0xff, 9, 9, 0, 0])).compressor).toBeUndefined()
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

describe("route by structure", () => {
  it.each(LOG_FORMATS.map((f) => [f.name, f] as const))("%s (generated) is a log", (_name, format) => {
    expect(detect(text(format.generate(400).text))).toBe("log")
  })

  const sources = [
    ...readdirSync(join(CORPUS, "code"), { recursive: true, encoding: "utf8" }).map((f) => join(CORPUS, "code", f)),
    ...readdirSync(join(ROOT, "fixtures", "code-langs"), { recursive: true, encoding: "utf8" }).map((f) => join(ROOT, "fixtures", "code-langs", f))
  ].filter((f) => !/LICENSE|COPYRIGHT|README/.test(f) && statSync(f).isFile())

  it.each(sources.map((f) => [f.slice(ROOT.length + 1), f] as const))("%s is code, alone, after cat -n and after Read's N→", (_name, path) => {
    const source = readFileSync(path, "utf8")
    const type = detect(text(source))
    expect(type).toMatch(/^code:/)
    // pyenv-init has no extension: its shebang says bash.
    expect(type).toBe(`code:${languageOfPath(path) ?? "bash"}`)
    const lines = source.split(/(?<=\n)/)
    const catN = lines.map((l, i) => `${String(i + 1).padStart(6)}\t${l}`).join("")
    const read = lines.map((l, i) => `${String(i + 1).padStart(6)}→${l}`).join("")
    expect(routeBytes(text(catN))).toMatchObject({ type, envelope: "numbered" })
    expect(routeBytes(text(read))).toMatchObject({ type, envelope: "numbered" })
  })

  it("never sends text with the shape of code to kompress (property)", () => {
    const identifier = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,11}$/)
    const codeLine = fc.oneof(
      fc.tuple(identifier, identifier).map(([a, b]) => `const ${a} = ${b}(${a}, 42);`),
      fc.tuple(identifier, identifier).map(([a, b]) => `  if (${a} != ${b}) {`),
      fc.constant("  }"),
      fc.tuple(identifier, identifier).map(([a, b]) => `def ${a}(${b}):`),
      fc.tuple(identifier, identifier).map(([a, b]) => `    return ${a}.${b}()`),
      fc.tuple(identifier, identifier).map(([a, b]) => `  ${a} := ${b}[0]`),
      fc.tuple(identifier, identifier).map(([a, b]) => `fn ${a}(${b}: u32) -> u32 {`),
      fc.tuple(identifier, identifier).map(([a, b]) => `  ${a} |> ${b}()`),
      fc.tuple(identifier, identifier).map(([a, b]) => `    ${a}.${b} = ${a} + 1;`),
      fc.constant("end"),
      fc.tuple(identifier, identifier).map(([a, b]) => `// ${a} is the ${b} of the thing we keep`)
    )
    // Some lines of prose among the code (comments in English, a docstring), but most are code.
    const proseLine = fc.constantFrom(
      "This function returns the number of items that are still waiting in the queue.",
      "The caller must hold the lock before it calls this, or the count may be wrong."
    )
    const lines = fc.tuple(fc.array(codeLine, { minLength: 8, maxLength: 120 }), fc.array(proseLine, { maxLength: 40 }), fc.integer())
      .filter(([code, prose]) => prose.length * 3 <= code.length * 2) // code is at least 60% of the lines
      .map(([code, prose, seed]) => {
        const all = [...code]
        prose.forEach((p, i) => all.splice(Math.abs(seed + i * 7919) % (all.length + 1), 0, p))
        return all
      })
    fc.assert(
      fc.property(lines, (lines) => {
        const type = detect(text(lines.join("\n") + "\n"))
        expect(type).not.toBe("prose")
        expect(compressorFor(type)).not.toBe("kompress")
      }),
      { numRuns: 400 }
    )
  })

  it("keeps a log with a stray invalid byte a log, and reads Latin-1 and XHTML pages as HTML", () => {
    const log = Buffer.from(LOG_FORMATS[0]!.generate(3000).text)
    log[Math.floor(log.length / 2)] = 0xff
    expect(detect(log)).toBe("log")
    const latin1 = Buffer.from("<!DOCTYPE html><html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title></head><body><p>D\xe9j\xe0 vu</p></body></html>", "latin1")
    expect(detect(latin1)).toBe("html")
    expect(detect(text('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>\n'))).toBe("html")
  })

  it("tells prose from lists of records: git log --oneline, paths and directory listings pass through", () => {
    expect(detect(text(PROSE))).toBe("prose")
    const oneline = Array.from({ length: 30 }, (_, i) => `${(0x1a2b3c4 + i * 7919).toString(16)} fix: keep the marker of the run when the stream ends early`).join("\n")
    expect(detect(text(oneline))).not.toBe("prose")
    const paths = Array.from({ length: 40 }, (_, i) => `/home/user/project/src/module_${i}/index.ts`).join("\n")
    expect(detect(text(paths))).toBe("text")
    const ls = Array.from({ length: 30 }, (_, i) => `-rw-r--r--  1 user staff  ${1000 + i * 37} Nov 30 10:${String(i).padStart(2, "0")} file_${i}.txt`).join("\n")
    expect(detect(text(ls))).toBe("text")
  })
})
