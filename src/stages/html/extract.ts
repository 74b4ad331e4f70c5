/**
 * Main-content extraction: the page's `<main>` (or `role=main`, or its largest `<article>`, or
 * its body), without scripts, styles, navigation, sidebars, headers, footers and forms, written
 * as readable text — Markdown-like headings, paragraphs, lists, links with their targets, tables
 * and fenced code blocks. What is left out of the main flow is counted, and a marker stands
 * where a sizeable block of it was.
 *
 * @since 0.1.0
 */
import { decodeEntities, type Element } from "./parse.ts"

/** Never content: markup, scripts and chrome. */
const DROP = new Set([
  "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "head", "nav", "aside",
  "footer", "form", "button", "input", "select", "textarea", "dialog", "menu", "link", "meta"
])
const DROP_ROLES = new Set(["navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "toolbar", "dialog"])
/** Class or id words of page chrome (word-bounded, so "navbar" counts and "canvas" does not). */
const CHROME = /(?:^|[\s_-])(?:nav|navbar|navigation|sidebar|side-bar|menu|menubar|breadcrumbs?|toc|footer|header|banner|cookies?|consent|advert|ads?|social|share|related|pagination|search|skip|toolbar|popover|modal)(?:$|[\s_-])/i

const BLOCK = new Set([
  "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "table",
  "tr", "blockquote", "dl", "dt", "dd", "figure", "figcaption", "details", "summary", "hr", "br", "body", "html"
])

export interface Extracted {
  readonly text: string
  /** Characters of page text outside the output (navigation, sidebars, footers…). */
  readonly droppedChars: number
}

const textOf = (e: Element | string): string =>
  typeof e === "string" ? e : e.name === "script" || e.name === "style" ? "" : e.children.map(textOf).join("")

/**
 * Only containers are judged by their class or id; a heading, paragraph or link is content
 * whatever it is called (`<h2 class="section-header">`, `<a class="header">`).
 */
const CONTAINERS = new Set(["div", "section", "ul", "ol", "header", "footer", "aside", "menu", "details"])

const isChrome = (e: Element): boolean =>
  DROP.has(e.name) || DROP_ROLES.has(e.attrs.role ?? "") || e.attrs.hidden !== undefined || e.attrs["aria-hidden"] === "true" ||
  (CONTAINERS.has(e.name) && CHROME.test(`${e.attrs.class ?? ""} ${e.attrs.id ?? ""}`))

const find = (e: Element, test: (e: Element) => boolean): Array<Element> => {
  const out: Array<Element> = []
  const walk = (x: Element) => {
    if (test(x)) out.push(x)
    for (const c of x.children) if (typeof c !== "string") walk(c)
  }
  walk(e)
  return out
}

/** The element holding the page's main content. */
const mainOf = (root: Element): Element => {
  const main = find(root, (e) => e.name === "main" || e.attrs.role === "main")[0]
  if (main) return main
  const articles = find(root, (e) => e.name === "article").sort((a, b) => textOf(b).length - textOf(a).length)
  if (articles[0]) return articles[0]
  return find(root, (e) => e.name === "body")[0] ?? root
}

const collapse = (s: string) => s.replace(/\s+/g, " ")

interface Writer {
  readonly blocks: Array<string>
  dropped: number
}

/** Inline text of an element: links as [text](target), code as `code`, whitespace collapsed. */
const inline = (e: Element | string, w: Writer): string => {
  if (typeof e === "string") return collapse(decodeEntities(e))
  if (isChrome(e)) {
    w.dropped += textOf(e).length
    return ""
  }
  const inner = () => e.children.map((c) => inline(c, w)).join("")
  switch (e.name) {
    case "br":
      return "\n"
    case "code":
    case "kbd":
    case "samp": {
      const t = collapse(decodeEntities(textOf(e))).trim()
      return t ? `\`${t}\`` : ""
    }
    case "a": {
      const raw = inner()
      const t = raw.trim()
      const href = e.attrs.href ?? ""
      if (!t) return raw
      // Spaces at the edges of a link's text belong outside the brackets.
      const lead = raw.startsWith(" ") ? " " : ""
      const trail = raw.endsWith(" ") ? " " : ""
      // Links within the page (#anchors) lead nowhere an agent can follow: their text is enough.
      const link = href && !href.startsWith("javascript:") && !href.startsWith("#") && href !== t ? `[${t}](${href})` : t
      return `${lead}${link}${trail}`
    }
    case "img":
      return e.attrs.alt ? `[image: ${collapse(e.attrs.alt)}]` : ""
    case "strong":
    case "b":
      return inner()
    default:
      return inner()
  }
}

const codeLanguage = (e: Element): string => {
  const classes = `${e.attrs.class ?? ""} ${find(e, (x) => x.name === "code").map((c) => c.attrs.class ?? "").join(" ")}`
  return /(?:language|lang)-([\w+#-]+)/.exec(classes)?.[1] ?? /\b(rust|python|javascript|typescript|go|java|cpp|bash|sh|json|toml|yaml|text|console)\b/.exec(classes)?.[1] ?? ""
}

const table = (e: Element, w: Writer): string => {
  const rows = find(e, (x) => x.name === "tr").map((tr) =>
    tr.children.filter((c): c is Element => typeof c !== "string" && (c.name === "td" || c.name === "th"))
      .map((cell) => inline(cell, w).trim().replace(/\|/g, "\\|").replace(/\n/g, " "))
  ).filter((r) => r.length > 0)
  if (rows.length === 0) return ""
  const width = Math.max(...rows.map((r) => r.length))
  const line = (r: Array<string>) => `| ${[...r, ...Array(width - r.length).fill("")].join(" | ")} |`
  return [line(rows[0]!), `|${" --- |".repeat(width)}`, ...rows.slice(1).map(line)].join("\n")
}

/** Writes the blocks of an element. */
const blocks = (e: Element, w: Writer, depth: number): void => {
  const para: Array<string> = []
  const flush = () => {
    const t = para.join("").replace(/[ \t]*\n[ \t]*/g, "\n").trim()
    if (t) w.blocks.push(`${"  ".repeat(depth)}${t}`)
    para.length = 0
  }
  for (const c of e.children) {
    if (typeof c === "string" || !BLOCK.has(c.name)) {
      if (typeof c !== "string" && isChrome(c)) {
        flush()
        chrome(c, w)
      } else para.push(inline(c, w))
      continue
    }
    flush()
    if (isChrome(c)) {
      chrome(c, w)
      continue
    }
    const heading = /^h([1-6])$/.exec(c.name)
    if (heading) {
      const t = inline(c, w).trim()
      if (t) w.blocks.push(`${"#".repeat(Number(heading[1]))} ${t.replace(/\s*§\s*$/, "")}`)
    } else if (c.name === "pre") {
      const code = decodeEntities(textOf(c)).replace(/^\n/, "").replace(/\s+$/, "")
      w.blocks.push(`\`\`\`${codeLanguage(c)}\n${code}\n\`\`\``)
    } else if (c.name === "ul" || c.name === "ol") {
      let n = 0
      for (const li of c.children) {
        if (typeof li === "string" || li.name !== "li") continue
        n++
        const sub: Writer = { blocks: [], dropped: 0 }
        blocks(li, sub, 0)
        w.dropped += sub.dropped
        const [first = "", ...rest] = sub.blocks
        const bullet = c.name === "ol" ? `${n}. ` : "- "
        w.blocks.push([`${"  ".repeat(depth)}${bullet}${first}`, ...rest.map((b) => b.split("\n").map((l) => `${"  ".repeat(depth + 1)}${l}`).join("\n"))].join("\n"))
      }
    } else if (c.name === "table") {
      const t = table(c, w)
      if (t) w.blocks.push(t)
    } else if (c.name === "blockquote") {
      const sub: Writer = { blocks: [], dropped: 0 }
      blocks(c, sub, 0)
      w.dropped += sub.dropped
      w.blocks.push(sub.blocks.map((b) => b.split("\n").map((l) => `> ${l}`).join("\n")).join("\n>\n"))
    } else if (c.name === "dt") {
      const t = inline(c, w).trim()
      if (t) w.blocks.push(`${"  ".repeat(depth)}**${t}**`)
    } else if (c.name === "hr") w.blocks.push("---")
    else if (c.name === "br") continue
    else blocks(c, w, c.name === "dd" ? depth + 1 : depth)
  }
  flush()
}

/** A block of page chrome: counted; a marker stands in its place when it held much text. */
const chrome = (e: Element, w: Writer) => {
  const chars = collapse(textOf(e)).trim().length
  w.dropped += chars
  if (chars >= 200) w.blocks.push(`\u0000${chars}`)
}

/** Characters of text under an element, whitespace runs counted once (no string is built). */
const textLength = (e: Element | string): number => {
  if (typeof e === "string") {
    let n = 0
    let space = true
    for (let i = 0; i < e.length; i++) {
      const c = e.charCodeAt(i)
      const isSpace = c === 32 || c === 10 || c === 9 || c === 13
      if (!isSpace || !space) n++
      space = isSpace
    }
    return n
  }
  if (e.name === "script" || e.name === "style") return 0
  let n = 0
  for (const c of e.children) n += textLength(c)
  return n
}

export const extract = (root: Element): Extracted => {
  const main = mainOf(root)
  const w: Writer = { blocks: [], dropped: 0 }
  const title = find(root, (e) => e.name === "title" || e.name === "body")
  const body = title.find((e) => e.name === "body")
  blocks(main, w, 0)
  const titleElement = title.find((e) => e.name === "title")
  if (titleElement && !w.blocks.some((b) => b.startsWith("# "))) {
    const t = collapse(decodeEntities(textOf(titleElement))).trim()
    if (t) w.blocks.unshift(`# ${t}`)
  }
  const outside = Math.max(0, textLength(body ?? root) - textLength(main))
  return { text: w.blocks.join("\n\n"), droppedChars: w.dropped + outside }
}
