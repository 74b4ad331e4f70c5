/** HTML: real documentation pages. Retention: the main content's headings and code blocks. */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { htmlBytes } from "../../stages/html.ts"
import { decodeEntities, type Element, parseHtml } from "../../stages/html/parse.ts"
import { decode, ms, percent, runCompressor, tokens, truncateChars } from "../measure.ts"
import type { Suite } from "../tier1.ts"

const all = (e: Element, test: (e: Element) => boolean): Array<Element> =>
  [...(test(e) ? [e] : []), ...e.children.flatMap((c) => typeof c === "string" ? [] : all(c, test))]
const visible = (e: Element | string): string =>
  typeof e === "string" ? decodeEntities(e) : ["button", "script", "style"].includes(e.name) ? "" : e.children.map(visible).join("")
const squash = (s: string) => s.replace(/\s+/g, " ").trim()
/** Output text as a reader sees it: no Markdown backticks or link targets. */
const plain = (s: string) => squash(s.replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"))

export const htmlSuite: Suite = {
  type: "html",
  retention: "main content's headings and code blocks kept",
  run: async ({ corpus }) => {
    const dir = join(corpus, "html")
    const rows: Array<Record<string, string | number>> = []
    for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".html")).sort() : []) {
      const input = readFileSync(join(dir, file))
      const html = decode(input)
      const run = await runCompressor((b) => htmlBytes(b), input)
      const before = tokens(html)
      const after = tokens(run.output)
      const main = all(parseHtml(html), (e) => e.name === "main")[0] ?? parseHtml(html)
      const headings = all(main, (e) => /^h[1-6]$/.test(e.name)).map((h) => squash(visible(h)).replace(/\s*§$/, "")).filter(Boolean)
      const codes = all(main, (e) => e.name === "pre").map((p) => visible(p).replace(/^\n/, "").replace(/\s+$/, ""))
      const truncated = truncateChars(html, after)
      const count = (out: string) => {
        const text = plain(out)
        return `${headings.filter((h) => text.includes(h)).length}/${headings.length} headings, ${codes.filter((c) => out.includes(c)).length}/${codes.length} code`
      }
      rows.push({
        input: file,
        "tokens before": before,
        "tokens after": after,
        reduction: percent(after, before),
        headroom: count(run.output),
        truncation: count(decodeEntities(truncated)),
        "p50 ms": ms(run.p50),
        "p95 ms": ms(run.p95)
      })
    }
    return rows
  }
}
