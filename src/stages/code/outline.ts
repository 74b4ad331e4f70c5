/**
 * The outline: what the code stage does for a language it has no grammar for (Erlang, Haskell,
 * OCaml, Perl, YAML, a language it cannot name…). Blocks are found from the text's shape alone —
 * a header line followed by lines indented deeper (Python, YAML, most formatted code), or a header
 * that ends in an opener (`{`, `do`, `begin`, `then`…) closed by a line of its own at the same
 * indentation (`}`, `end`) — and the long bodies of blocks that hold no definitions of their own
 * are elided, each header and closing line kept. A block whose body holds other definitions (a
 * class, a module) is kept and its members' bodies are elided instead. Long runs of line
 * comments keep their first line, when the language's comment syntax is known.
 *
 * Every kept line is the input's, byte for byte; the elisions are whole rows, like the grammar's.
 *
 * @since 0.2.0
 */
import { type Elision, outermost, worthEliding } from "./elide.ts"

/** Headers of control flow: a block under one is part of a body, not a definition. */
const CONTROL =
  /^\s*(?:[}\])]\s*)?(?:if|else|elif|elsif|elseif|unless|while|until|for|foreach|loop|do|try|catch|except|finally|rescue|ensure|switch|case|when|match|with|begin|select|default|then|repeat|guard|defer|where|otherwise|of|return|yield|let\s+\w+\s*=\s*(?:if|match|case))\b/
/** A header line ends in one of these when its block is closed by a line of its own. */
const OPENER = /(?:[{(\[]|\bdo|\bbegin|\bthen|->|=>|\bof|\bwhere)\s*(?:(?:#|\/\/|--|%).*)?$/
/** A line that only closes a block. */
const CLOSER = /^\s*(?:[}\])]+[;,)]*|end\b.*|fi|done|esac|endif|endfor|endwhile|endfunction|endmodule|endcase|\.)\s*$/
/** Words that name what follows them. */
const NAMED = /\b(?:def[a-z]*|fun|func|function|fn|sub|proc|procedure|method|macro|class|module|struct|interface|trait|impl|object|type|record|enum)\s+([\w.?!:'-]+)/

interface Row {
  readonly indent: number
  readonly blank: boolean
  readonly comment: boolean
}

const rowsOf = (lines: ReadonlyArray<string>, lineComment: string | undefined): Array<Row> =>
  lines.map((line) => {
    let indent = 0
    let i = 0
    for (; i < line.length; i++) {
      const c = line.charCodeAt(i)
      if (c === 32) indent++
      else if (c === 9) indent += 4 - (indent % 4)
      else break
    }
    const rest = line.slice(i).trimEnd()
    return { indent, blank: rest === "", comment: lineComment !== undefined && rest.startsWith(lineComment) }
  })

interface Block {
  readonly header: number
  /** First and last rows of the body. */
  readonly from: number
  readonly to: number
  readonly children: Array<Block>
}

/** Rows lineText holds no more of than whitespace or a comment are not headers. */
const isCode = (row: Row | undefined) => row !== undefined && !row.blank && !row.comment

/**
 * The end of a block opened at `header`: by indentation, the last row indented deeper; else, for
 * an opener at the end of the header, the row before its closer at the same indentation.
 */
const bodyEnd = (rows: ReadonlyArray<Row>, lines: ReadonlyArray<string>, header: number, until: number): number => {
  const base = rows[header]!.indent
  let last = header
  for (let r = header + 1; r <= until; r++) {
    const row = rows[r]!
    if (row.blank) continue
    if (row.indent <= base) break
    last = r
  }
  if (last > header) return last
  if (!OPENER.test(lines[header]!)) return header
  // Flat code: count openers and closers at the header's own indentation.
  let depth = 1
  for (let r = header + 1; r <= until; r++) {
    const row = rows[r]!
    if (!isCode(row)) continue
    if (row.indent < base) return header
    if (row.indent > base) continue
    if (CLOSER.test(lines[r]!)) {
      if (--depth === 0) return r - 1
    } else if (OPENER.test(lines[r]!)) depth++
  }
  return header
}

/** The blocks whose headers lie in rows from..to, each with its own inner blocks. */
const blocksIn = (rows: ReadonlyArray<Row>, lines: ReadonlyArray<string>, from: number, to: number): Array<Block> => {
  const blocks: Array<Block> = []
  for (let r = from; r <= to; r++) {
    if (!isCode(rows[r])) continue
    const end = bodyEnd(rows, lines, r, to)
    if (end <= r) continue
    blocks.push({ header: r, from: r + 1, to: end, children: blocksIn(rows, lines, r + 1, end) })
    r = end
  }
  return blocks
}

const nameOf = (header: string): string => {
  const named = NAMED.exec(header)
  if (named) return named[1]!
  const text = header.trim().replace(/\s*(?:[{(\[:=]|\bdo|\bbegin|->|=>)\s*$/, "")
  return text.length <= 40 ? text : `${text.slice(0, 37)}…`
}

/**
 * The elisions of a file by its outline. `mentions` says whether rows are about the query (such
 * bodies stay whole).
 */
export const outlineElisions = (
  lines: ReadonlyArray<string>,
  lineComment: string | undefined,
  mentions: (from: number, to: number) => boolean
): Array<Elision> => {
  const rows = rowsOf(lines, lineComment)
  const found: Array<Elision> = []
  const visit = (blocks: ReadonlyArray<Block>) => {
    for (const block of blocks) {
      // A body that defines things (a class, a module) is kept, so every member's header is;
      // its members are looked at one by one.
      const definesThings = block.children.some((c) => NAMED.test(lines[c.header]!) && !CONTROL.test(lines[c.header]!))
      if (definesThings || !worthEliding(lines, block.from, block.to) || mentions(block.header, block.to)) {
        visit(block.children)
        continue
      }
      found.push({ from: block.from, to: block.to, what: `body of ${nameOf(lines[block.header]!)}`, as: "body" })
    }
  }
  visit(blocksIn(rows, lines, 0, lines.length - 1))

  if (lineComment !== undefined) {
    // Runs of whole-line comments at one indentation keep their first line.
    for (let r = 0; r < rows.length; r++) {
      if (!rows[r]!.comment) continue
      let end = r
      while (end + 1 < rows.length && rows[end + 1]!.comment && rows[end + 1]!.indent === rows[r]!.indent) end++
      if (worthEliding(lines, r + 1, end) && !mentions(r, end)) found.push({ from: r + 1, to: end, what: "comment", as: "comment" })
      r = end
    }
  }

  return outermost(found)
}
