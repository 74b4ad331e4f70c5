import fc from "fast-check"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CORPUS, runInMemory } from "../../test/helpers.ts"
import { toBytes } from "../core/content.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { htmlBytes } from "./html.ts"
import { decodeEntities, type Element, parseHtml } from "./html/parse.ts"

const tokens = (s: string) => Tokenizer.make("gpt-4o").count(s).tokens
const text = (b: Uint8Array) => new TextDecoder().decode(b)

const all = (e: Element, test: (e: Element) => boolean): Array<Element> =>
  [...(test(e) ? [e] : []), ...e.children.flatMap((c) => typeof c === "string" ? [] : all(c, test))]
const textOf = (e: Element | string): string => typeof e === "string" ? decodeEntities(e) : e.children.map(textOf).join("")
/** Text a reader sees: without buttons, scripts and styles. */
const visibleText = (e: Element | string): string =>
  typeof e === "string" ? decodeEntities(e) : ["button", "script", "style"].includes(e.name) ? "" : e.children.map(visibleText).join("")
const squash = (s: string) => s.replace(/\s+/g, " ").trim()

describe("html on real documentation pages", () => {
  it.each(["book-ch09-02-recoverable-errors.html", "rustdoc-what-is-rustdoc.html", "std-collections-HashMap.html"])(
    "%s: ≥ 70 percent fewer tokens, every heading and code block of the main content, no chrome",
    async (file) => {
      const input = readFileSync(join(CORPUS, "html", file))
      const html = text(input)
      const out = text(toBytes((await runInMemory(htmlBytes(input))).output))
      expect(1 - tokens(out) / tokens(html)).toBeGreaterThanOrEqual(0.7)
      const root = parseHtml(html)
      const main = all(root, (e) => e.name === "main")[0]!
      const flat = squash(out)
      // As a reader sees the heading lines: without Markdown's backticks and link targets.
      const headingLines = out.split("\n").filter((l) => l.startsWith("#"))
        .map((l) => squash(l.replace(/^#+ /, "").replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")))
      // Headings: each one, as a heading line of the output.
      for (const h of all(main, (e) => /^h[1-6]$/.test(e.name))) {
        const heading = squash(visibleText(h)).replace(/\s*§$/, "")
        if (heading) expect(headingLines, heading).toContain(heading)
      }
      // Code blocks: verbatim.
      for (const pre of all(main, (e) => e.name === "pre")) {
        const code = textOf(pre).replace(/^\n/, "").replace(/\s+$/, "")
        expect(out, code.slice(0, 60)).toContain(code)
      }
      // Chrome: none of its text.
      for (const e of all(root, (x) => ["script", "style", "nav"].includes(x.name))) {
        const chrome = squash(textOf(e))
        if (chrome.length > 40) expect(flat).not.toContain(chrome.slice(0, 40))
      }
    }
  )

  it("marks a sizeable block of chrome inside the main content where it was", async () => {
    const page = `<html><body><main><h1>Guide</h1>${"<p>Words of the guide, enough of them to be worth compressing.</p>".repeat(20)}
      <div class="sidebar">${"<a href='/x'>related page</a> ".repeat(30)}</div><p>After the sidebar.</p></main></body></html>`
    const out = text(toBytes((await runInMemory(htmlBytes(new TextEncoder().encode(page)))).output))
    expect(out).not.toContain("related page")
    expect(out).toMatch(/\[\d[\d,]* chars not shown; navigation or sidebar · headroom_retrieve hash=[0-9a-f]{12}\]\n\nAfter sidebar\./)
  })

  it("renders links with their targets, lists, tables and inline code", async () => {
    const page = `<html><head><title>T</title><script>var tracking = "do not show"</script></head><body>
      <nav class="sidebar"><a href="/a">Home</a> ${"<a href='/x'>menu entry</a> ".repeat(40)}</nav>
      <main><h1>Title &amp; more</h1>
      <p>Read the <a href="https://example.com/guide">guide</a> and call <code>fetchUser(id)</code> first.</p>
      <ul><li>one<li>two</ul>
      <table><tr><th>Name</th><th>Value</th></tr><tr><td>port</td><td>8080</td></tr></table>
      <pre><code class="language-rust">fn main() {}</code></pre>
      ${"<p>Filler paragraph with enough words to make this page worth compressing at all.</p>".repeat(30)}
      </main></body></html>`
    const out = text(toBytes((await runInMemory(htmlBytes(new TextEncoder().encode(page)))).output))
    expect(out).toContain("# Title & more")
    expect(out).toContain("[guide](https://example.com/guide)")
    expect(out).toContain("`fetchUser(id)`")
    expect(out).toContain("- one\n\n- two")
    expect(out).toContain("| Name | Value |\n| --- | --- |\n| port | 8080 |")
    expect(out).toContain("```rust\nfn main() {}\n```")
    expect(out).not.toContain("tracking")
    expect(out).not.toContain("menu entry")
    expect(out).toMatch(/^\[\d[\d,]* chars not shown; page chrome in all: [^\]]* · headroom_retrieve hash=[0-9a-f]{12}\]\n/)
  })
})

describe("html properties", () => {
  it("never fails on any markup or bytes, never longer", async () => {
    const tag = fc.constantFrom("<p>", "</p>", "<div class='nav'>", "</div>", "<script>", "</script>", "<pre>", "</pre>", "<a href='x'>", "</a>", "<!--", "-->", "<table><tr><td>", "&amp;", "&#x1F600;", "<br/>", "<main>", "<h2>")
    const page = fc.array(fc.oneof(tag, fc.string({ unit: "binary", maxLength: 40 })), { maxLength: 300 }).map((xs) => xs.join(""))
    await fc.assert(
      fc.asyncProperty(fc.oneof(page.map((s) => new TextEncoder().encode(s)), fc.uint8Array({ maxLength: 2000 })), async (input) => {
        const c = await runInMemory(htmlBytes(input), { minTokens: 0 })
        expect(toBytes(c.output).length).toBeLessThanOrEqual(input.length)
      }),
      { numRuns: 300 }
    )
  })
})

describe("html in other encodings and shapes", () => {
  it("reads a Latin-1 page and an XHTML page with an XML prolog", async () => {
    const body = Array.from({ length: 40 }, (_, i) => `<p>Le caf\xe9 num\xe9ro ${i} ouvre \xe0 huit heures, et la cr\xe8me br\xfbl\xe9e y est tr\xe8s bonne.</p>`).join("\n")
    const latin1 = Buffer.from(`<!DOCTYPE html><html><head><meta charset="iso-8859-1"><title>Caf\xe9s</title><script>var x = 1</script></head><body><nav>Accueil | Menu | Contact</nav><main><h1>Les caf\xe9s</h1>\n${body}</main></body></html>`, "latin1")
    const out = text(toBytes((await runInMemory(htmlBytes(latin1))).output))
    expect(out).toContain("# Les cafés")
    expect(out).toContain("crème brûlée")
    const xhtml = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title><style>p { color: red }</style></head><body><main><h1>Guide</h1>\n${body.replace(/\xe9|\xe0|\xe8|\xfb/g, "e")}</main></body></html>`)
    const c = await runInMemory(htmlBytes(xhtml))
    expect(c.passthrough).toBeUndefined()
    expect(text(toBytes(c.output))).toContain("# Guide")
  })
})
