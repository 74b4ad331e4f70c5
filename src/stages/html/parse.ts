/**
 * A small, forgiving HTML parser: enough structure for main-content extraction (elements,
 * attributes, text), with the parts of the HTML rules that real pages rely on — void elements,
 * raw-text elements (script, style), elements closed by the next sibling (p, li, td…), and
 * unclosed elements closed by their parent's end tag.
 *
 * @since 0.1.0
 */

export interface Element {
  readonly name: string
  /** Attributes, parsed on first use (most elements are never asked). */
  readonly attrs: Readonly<Record<string, string>>
  readonly children: Array<Element | string>
}

class ParsedElement implements Element {
  readonly children: Array<Element | string> = []
  private parsed: Record<string, string> | undefined
  constructor(readonly name: string, private readonly rawAttrs: string) {}
  get attrs(): Readonly<Record<string, string>> {
    return this.parsed ??= this.rawAttrs.trim() === "" ? {} : parseAttrs(this.rawAttrs)
  }
}

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noscript"])
/** For an element that may be left open, the start tags that close it. */
const CLOSED_BY: Record<string, ReadonlySet<string>> = {
  p: new Set(["p", "div", "ul", "ol", "pre", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section", "blockquote", "dl", "hr", "header", "footer", "nav", "main", "article", "aside", "form", "figure"]),
  li: new Set(["li"]),
  dt: new Set(["dt", "dd"]),
  dd: new Set(["dt", "dd"]),
  tr: new Set(["tr"]),
  td: new Set(["td", "th", "tr"]),
  th: new Set(["td", "th", "tr"]),
  option: new Set(["option"])
}

/** The same, turned around: for a start tag, the open elements it may close. */
const CLOSES = new Map<string, Array<string>>()
for (const [open, closers] of Object.entries(CLOSED_BY)) {
  for (const closer of closers) CLOSES.set(closer, [...(CLOSES.get(closer) ?? []), open])
}
/** An open element of these kinds shields the elements under it from being closed implicitly. */
const SHIELDS = new Set(["table", "ul", "ol", "dl", "div"])

const NAMED: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ndash: "–", mdash: "—", hellip: "…", copy: "©",
  reg: "®", trade: "™", laquo: "«", raquo: "»", lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", bull: "•",
  middot: "·", rarr: "→", larr: "←", uarr: "↑", darr: "↓", times: "×", divide: "÷", deg: "°", para: "¶", sect: "§"
}

/** Decodes character references; unknown names stay as written. */
export const decodeEntities = (s: string): string =>
  s.includes("&")
    ? s.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (m, ref: string) => {
      if (ref[0] === "#") {
        const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m
      }
      return NAMED[ref.toLowerCase()] ?? m
    })
    : s

const ATTR = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g

const parseAttrs = (s: string): Record<string, string> => {
  const attrs: Record<string, string> = {}
  for (const m of s.matchAll(ATTR)) attrs[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "")
  return attrs
}

/** Parses a document into a tree under a synthetic `#root` element. */
export const parseHtml = (html: string): Element => {
  const root: Element = new ParsedElement("#root", "")
  const stack: Array<Element> = [root]
  const open = new Map<string, number>() // how many elements of each name are on the stack
  const top = () => stack[stack.length - 1]!
  const truncate = (length: number) => {
    for (let i = length; i < stack.length; i++) open.set(stack[i]!.name, open.get(stack[i]!.name)! - 1)
    stack.length = length
  }
  const closeTo = (name: string) => {
    if (!open.get(name)) return
    for (let i = stack.length - 1; i > 0; i--) {
      if (stack[i]!.name === name) return truncate(i)
    }
  }
  let i = 0
  while (i < html.length) {
    const lt = html.indexOf("<", i)
    if (lt === -1) {
      top().children.push(html.slice(i))
      break
    }
    if (lt > i) top().children.push(html.slice(i, lt))
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4)
      i = end === -1 ? html.length : end + 3
      continue
    }
    if (html[lt + 1] === "!" || html[lt + 1] === "?") {
      const end = html.indexOf(">", lt)
      i = end === -1 ? html.length : end + 1
      continue
    }
    const close = html.charCodeAt(lt + 1) === 47
    const nameStart = lt + (close ? 2 : 1)
    let nameEnd = nameStart
    for (;;) {
      const c = html.charCodeAt(nameEnd)
      const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
      if (letter || (nameEnd > nameStart && ((c >= 48 && c <= 57) || c === 45))) nameEnd++
      else break
    }
    if (nameEnd === nameStart) {
      top().children.push("<")
      i = lt + 1
      continue
    }
    const name = html.slice(nameStart, nameEnd).toLowerCase()
    // The tag's end, skipping `>` inside quoted attribute values.
    let j = nameEnd
    let quote = ""
    for (; j < html.length; j++) {
      const c = html[j]
      if (quote) {
        if (c === quote) quote = ""
      } else if (c === '"' || c === "'") quote = c
      else if (c === ">") break
    }
    const inside = html.slice(nameEnd, j)
    i = j + 1
    if (close) {
      closeTo(name)
      continue
    }
    for (const closable of CLOSES.get(name) ?? []) {
      if (!open.get(closable)) continue
      // Only the nearest open element of that kind, and only if nothing shields it.
      for (let at = stack.length - 1; at > 0; at--) {
        const e = stack[at]!
        if (e.name === closable) {
          truncate(at)
          break
        }
        if (SHIELDS.has(e.name)) break
      }
    }
    const element = new ParsedElement(name, inside)
    top().children.push(element)
    if (VOID.has(name) || inside.trimEnd().endsWith("/")) continue
    if (RAW_TEXT.has(name)) {
      const closing = new RegExp(`</${name}`, "gi")
      closing.lastIndex = i
      const end = closing.exec(html)?.index ?? -1
      element.children.push(html.slice(i, end === -1 ? html.length : end))
      i = end === -1 ? html.length : html.indexOf(">", end) + 1 || html.length
      continue
    }
    stack.push(element)
    open.set(name, (open.get(name) ?? 0) + 1)
  }
  return root
}
