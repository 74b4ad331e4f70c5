import fc from "fast-check"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CORPUS, ROOT } from "../../../test/helpers.ts"
import { textLines } from "../../core/lines.ts"
import { queryOf } from "../../core/query.ts"
import { commentRows, elisions } from "./elide.ts"
import { errorRows } from "./inspect.ts"
import { GRAMMARS, type GrammarName } from "./languages.ts"
import { load } from "./parser.ts"
import { skeletonOf } from "./skeleton.ts"

/** What the stage would elide, from the whole file's tree and from the skeleton's. */
const bothWays = async (source: string, language: GrammarName) => {
  const loaded = await load(language)
  const lines = textLines(source)
  const full = loaded.parser.parse(source)!
  const skeleton = skeletonOf(source, language)
  const tree = skeleton && loaded.parser.parse(skeleton.text)!
  try {
    return {
      fullErrors: errorRows(full).length,
      skeleton,
      skeletonErrors: tree ? errorRows(tree).length : -1,
      fromFull: elisions(full, commentRows(full, loaded), lines, GRAMMARS[language], queryOf(undefined)),
      fromSkeleton: tree ? elisions(tree, skeleton.comments, lines, GRAMMARS[language], queryOf(undefined)) : []
    }
  } finally {
    full.delete()
    tree?.delete()
  }
}

/** On generated files (functions joined by blank lines), the skeleton parses cleanly and elides what the whole file would. */
const agreesOnGenerated = (language: GrammarName, files: fc.Arbitrary<Array<string>>, wholeParsesCleanly: boolean) =>
  fc.assert(
    fc.asyncProperty(files, async (fns) => {
      const r = await bothWays(fns.join("\n"), language)
      if (wholeParsesCleanly) expect(r.fullErrors).toBe(0)
      expect(r.skeletonErrors).toBe(0)
      expect(r.fromSkeleton).toEqual(r.fromFull)
    }),
    { numRuns: 150 }
  )

const files: Array<[string, GrammarName]> = [
  [join(CORPUS, "code/python/requests/models.py"), "python"],
  [join(CORPUS, "code/javascript/express/response.js"), "javascript"],
  [join(CORPUS, "code/typescript/got/index.ts"), "typescript"],
  [join(CORPUS, "code/go/gin/context.go"), "go"],
  [join(CORPUS, "code/rust/json/de.rs"), "rust"],
  [join(CORPUS, "code/java/gson/JsonReader.java"), "java"],
  [join(ROOT, "node_modules/fast-check/lib/fast-check.js"), "javascript"],
  [join(ROOT, "node_modules/esbuild/lib/main.js"), "javascript"],
  [join(ROOT, "node_modules/classic-level/deps/leveldb/leveldb-1.20/db/db_test.cc"), "cpp"],
  [join(ROOT, "node_modules/classic-level/deps/snappy/snappy/snappy.cc"), "cpp"]
]

describe("skeleton", () => {
  it.each(files.map(([path, language]) => [path.replace(ROOT + "/", ""), language] as const))("%s: parses cleanly and gives the same elisions as the whole file", async (path, language) => {
    const source = readFileSync(join(ROOT, path), "utf8")
    const r = await bothWays(source, language)
    expect(r.fullErrors).toBe(0)
    expect(r.skeleton).toBeDefined()
    expect(r.skeletonErrors).toBe(0)
    expect(r.skeleton!.text.length).toBeLessThan(source.length / 2)
    expect(r.fromSkeleton).toEqual(r.fromFull)
  })

  // Braces the lexer must not count: in strings, comments, regular expressions, template
  // literals, raw strings and char literals; headers that look like functions but are not; and
  // parameter lists it must leave alone (Rust's pub(crate), Python's with comments or long strings).
  const body = (lines: ReadonlyArray<string>) => lines.map((l) => `  ${l}\n`).join("")
  const filler = body(["step(1)", "step(2)", "step(3)", "step(4)", "step(5)", "step(6)", "step(7)", "step(8)"].map((l) => `${l} // ${"x".repeat(20)}`))
  const statements = body(["step(1);", "step(2);", "step(3);", "step(4);", "step(5);", "step(6);", "step(7);", "step(8);"].map((l) => `${l} // ${"x".repeat(20)}`))
  const tricky: Array<[GrammarName, string]> = [
    ["javascript", `function a(x) {\n  const s = "}{"; const t = '{'\n  const r = /[}{]/g.test(x) ? x / 2 / 3 : 0\n  const u = \`\${ { k: "}" }.k } \${\`\${"{"}\`}\`\n  /* } */ // {\n${filler}}\nclass B extends mix(C) {\n  m() {\n${filler}  }\n}\nif (ok(1)) {\n  function inner() {\n${filler}  }\n}\nconst d = () => {\n${filler}}\n`],
    ["typescript", `export function f<T>(x: T): { a: T } {\n  const o = { a: x, "}": 1 }\n${filler}  return o\n}\nexport class K implements L {\n  private m(a: string): void {\n${filler}  }\n}\n`],
    ["go", "package p\n\nfunc A(x int) (int, error) {\n\ts := `}{`\n\tc := '{'\n\tif x > 0 {\n\t\treturn 1, nil\n\t}\n" + filler.replaceAll("//", "//") + "\treturn 0, nil\n}\n\ntype T struct {\n\tF func(int) int\n}\n\nfunc (t *T) M() {\n" + filler + "}\n"],
    ["rust", `macro_rules! twice {\n    ($x:expr) => { $x; $x };\n}\nthread_local! { static N: u8 = 1; }\nfn a<'a>(x: &'a str) -> Option<char> where 'a: 'static {\n    let c = '{';\n    let r = r#"}"{"#;\n    let b = b'}';\n    /* nested /* } */ { */\n${filler.replaceAll("step(", "step!(")}    x.chars().next()\n}\nimpl<F: Fn(u8)> Tr for S<F> {\n    fn m(&self) {\n${filler.replaceAll("step(", "step!(")}    }\n    pub(crate) fn c(&self) -> u8 {\n${filler.replaceAll("step(", "step!(")}        1\n    }\n}\n`],
    ["java", `class A {\n  void m() {\n    String s = "}";\n    char c = '{';\n    String t = """\n      }{\n      """;\n${statements}  }\n  static {\n    X.y = new Runnable() {\n      public void run() {\n${statements}      }\n    };\n  }\n}\n`],
    ["cpp", `#define OPEN {\ntemplate <class T, class V>\nstatic void clip(T* p, V lo) {\n${statements}}\nint f(int x) {\n  const char* s = R"d(}{)d";\n  int big = 1'000'000;\n  char c = '}';\n${statements}  return x;\n}\nnamespace n {\nclass K {\n  int g() const {\n${statements}    return 1;\n  }\n};\n}\n`],
    ["python", `def a(x):\n    """Doc.\n\n    More.\n    """\n    s = "}{"\n    t = '''\ndef not_a_def():\n'''\n    y = (1,\n2)\n${filler.replaceAll("  step", "    step").replaceAll("//", "#")}    return x\n\nclass K:\n    @property\n    def m(self):\n${filler.replaceAll("  step", "        step").replaceAll("//", "#")}        return 1\n\n    def n(self,  # the receiver\n          y=\"\"\"a\nb\nc\"\"\"):\n${filler.replaceAll("  step", "        step").replaceAll("//", "#")}        return 2\n`]
  ]
  it.each(tricky)("%s: braces inside literals and comments do not fool the lexer", async (language, source) => {
    const r = await bothWays(source, language)
    expect(r.fullErrors).toBe(0)
    expect(r.skeletonErrors).toBe(0)
    expect(r.fromSkeleton.filter((e) => e.as === "body").length).toBeGreaterThanOrEqual(language === "python" || language === "rust" ? 3 : 2)
    expect(r.fromSkeleton).toEqual(r.fromFull)
    expect(r.skeleton!.text).not.toContain("step") // every function body was cut
  })

  it("gives up on a file whose brackets do not balance before its first complete item", () => {
    expect(skeletonOf("function f() {\n  return 1\n", "javascript")).toBeUndefined()
    expect(skeletonOf("}\nfunction f() {}\n", "javascript")).toBeUndefined()
  })

  it("cuts a file cut off mid-way up to its last complete item, and leaves the rest to the parser", async () => {
    const whole = readFileSync(join(CORPUS, "code/javascript/express/response.js"), "utf8")
    const lines = textLines(whole)
    const cutAt = Math.floor(lines.length * 0.6)
    const source = lines.slice(0, cutAt).join("")
    const r = await bothWays(source, "javascript")
    expect(r.skeleton).toBeDefined()
    expect(r.skeleton!.bodies.length).toBeGreaterThan(5)
    // Every elision before the unfinished function is the same as the whole file's.
    const lastCut = r.skeleton!.bodies.at(-1)![1]
    const upTo = (es: typeof r.fromFull) => es.filter((e) => e.to <= lastCut)
    expect(upTo(r.fromSkeleton)).toEqual(upTo(r.fromFull))
    expect(upTo(r.fromSkeleton).length).toBeGreaterThan(5)
  })

  it("agrees with the whole file's tree on generated JavaScript full of brace-like literals", async () => {
    const statement = fc.constantFrom(
      "const s = \"}\"",
      "const r = /[{]/.exec(x)",
      "const q = a / b / c",
      "const t = `${ {a: 1}.a }`",
      "if (x) { y() } else { z() }",
      "// } {",
      "/* { */",
      "const o = { k: { j: 1 } }",
      "items.forEach((i) => { use(i) })",
      "const c = '{'",
      "const n = `line\n}`"
    )
    const fn = fc.tuple(fc.nat(50), fc.array(statement, { minLength: 0, maxLength: 14 }), fc.boolean())
      .map(([i, body, arrow]) => arrow ? `const f${i} = async (a) => {\n${body.map((l) => `  ${l}\n`).join("")}}\n` : `function f${i}(a) {\n${body.map((l) => `  ${l}\n`).join("")}}\n`)
    await agreesOnGenerated("javascript", fc.array(fn, { minLength: 1, maxLength: 12 }), false)
  })

  it("agrees with the whole file's tree on generated Python full of strings, comments and continuations", async () => {
    const statement = fc.constantFrom(
      "s = 'def not_a_function():'",
      "t = \"\"\"\n  text\ndef inside_a_string():\n\"\"\"",
      "u = (1,\n2)",
      "v = 1 + \\\n    2",
      "# a comment: def fake():",
      "if x:\n    y = [i for i in range(3)]",
      "w = f\"{x!r} {{}}\"",
      "def inner(a, b):\n    return a"
    )
    const fn = fc.tuple(fc.nat(50), fc.array(statement, { minLength: 0, maxLength: 10 }), fc.boolean(), fc.boolean())
      .map(([i, body, doc, method]) => {
        const indent = method ? "    " : ""
        const lines = [`${indent}def f${i}(self, a=1,  # why\n${indent}        b="x"):`, ...(doc ? [`${indent}    """Doc.\n\n${indent}    More.\n${indent}    """`] : []), ...body.map((l) => l.split("\n").map((x) => `${indent}    ${x}`).join("\n")), `${indent}    return a`]
        return (method ? "class K:\n" : "") + lines.join("\n") + "\n"
      })
    await agreesOnGenerated("python", fc.array(fn, { minLength: 1, maxLength: 10 }), true)
  })
})
