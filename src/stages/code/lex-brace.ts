/**
 * The lexer of the brace languages (JavaScript, TypeScript, Go, Rust, Java, C++) for skeletons:
 * finds the function bodies (and Rust macro bodies), their parameter lists and the comments
 * outside them. It knows strings, comments, regular expressions, template literals, raw strings,
 * char literals and preprocessor lines, and takes a `{` for a function body from the words before
 * it. A file whose brackets are still open at its end is cut only up to its last complete item.
 *
 * @since 0.1.0
 */
import type { Found, Span } from "./skeleton.ts"

const SPACE = 32, NL = 10, CR = 13, TAB = 9
const SLASH = 47, STAR = 42, BACKSLASH = 92, DQUOTE = 34, SQUOTE = 39, BACKTICK = 96, HASH = 35
const LBRACE = 123, RBRACE = 125, LPAREN = 40, RPAREN = 41, LBRACKET = 91, RBRACKET = 93
const SEMI = 59, COMMA = 44, DOLLAR = 36

const isWord = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === DOLLAR || c > 127

/** Words that open a block which is not a function body, when they lead its header. */
const CONTROL = new Set(["if", "else", "for", "foreach", "while", "switch", "catch", "with", "do", "try", "synchronized", "using", "lock", "match", "loop", "unsafe", "select", "return"])
/** Words that make a header a type's (or an anonymous class's), whose members the stage needs. */
const TYPE_WORDS = /\b(?:class|struct|interface|enum|namespace|union|record|module|new)\b/

/** Characters after which a `/` in JavaScript starts a regular expression, not a division. */
const BEFORE_REGEX = new Set("(,=:[!&|?{};+-*%<>~^".split("").map((c) => c.charCodeAt(0)))
const KEYWORDS_BEFORE_REGEX = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await"])

export type Family = "js" | "go" | "rust" | "java" | "cpp"

/** The header's text with bracketed parts removed, to read its own words. */
const outsideBrackets = (header: string) => {
  let out = ""
  let depth = 0
  for (const ch of header) {
    if (ch === "(" || ch === "[" || ch === "<") depth++
    else if ((ch === ")" || ch === "]" || ch === ">") && depth > 0) depth--
    else if (depth === 0) out += ch
  }
  return out
}

/** Whether the `{` after this header opens a function body. */
const opensBody = (family: Family, header: string): boolean => {
  const trimmed = header.trim()
  if (family === "go") {
    const lastLine = trimmed.slice(trimmed.lastIndexOf("\n") + 1)
    return /^func\b/.test(lastLine) || /\bfunc\s*\(/.test(lastLine)
  }
  // Rust: functions, closures, and macros (`macro_rules! m { … }`, `m! { … }`), whose token trees
  // hold nothing the stage reads.
  if (family === "rust") return /(?:^|[^\w$])fn\s*[\w<(]/.test(trimmed) || /\|\s*(?:->\s*[\w<>:&' ]+)?$/.test(trimmed) || /!\s*(?:[A-Za-z_]\w*\s*)?$/.test(trimmed)
  if (trimmed.endsWith("=>") || trimmed.endsWith("->")) return true
  if (!trimmed.includes(")")) return false
  const first = /^[A-Za-z_$][\w$]*/.exec(trimmed)?.[0]
  if (first !== undefined && CONTROL.has(first)) return false
  return !TYPE_WORDS.test(outsideBrackets(trimmed))
}

/** Where a quoted string that started at `i` (the opening quote) ends, exclusive. */
const endOfString = (text: string, i: number, quote: number, multiline: boolean): number => {
  const n = text.length
  let j = i + 1
  while (j < n) {
    const c = text.charCodeAt(j)
    if (c === BACKSLASH) j += 2
    else if (c === quote) return j + 1
    else if (c === NL && !multiline) return j
    else j++
  }
  return n
}

/** The end of a Rust raw string `r#"…"#` whose `r` is at i, or -1 when it is not one. */
const endOfRustRaw = (text: string, i: number): number => {
  let j = i + 1
  let hashes = 0
  while (text.charCodeAt(j) === HASH) (hashes++, j++)
  if (text.charCodeAt(j) !== DQUOTE) return -1
  const close = "\"" + "#".repeat(hashes)
  const end = text.indexOf(close, j + 1)
  return end < 0 ? text.length : end + close.length
}

/** The end of a C++ raw string `R"d(…)d"` whose quote is at i, or -1. */
const endOfCppRaw = (text: string, i: number): number => {
  const open = text.indexOf("(", i)
  if (open < 0 || open - i > 17) return -1
  const close = ")" + text.slice(i + 1, open) + "\""
  const end = text.indexOf(close, open)
  return end < 0 ? text.length : end + close.length
}

/** Where a JavaScript regular expression starting at i (the `/`) ends, or -1 if it is not one. */
const endOfRegex = (text: string, i: number): number => {
  let inClass = false
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c === NL) return -1
    if (c === BACKSLASH) j++
    else if (c === LBRACKET) inClass = true
    else if (c === RBRACKET) inClass = false
    else if (c === SLASH && !inClass) {
      let k = j + 1
      while (k < text.length && isWord(text.charCodeAt(k))) k++
      return k
    }
  }
  return -1
}

/** The bodies and comments of a brace language's source, or undefined when its brackets do not balance. */
export const lexBraces = (text: string, family: Family): Found | undefined => {
  const n = text.length
  // The open brackets, as parallel arrays: closing character (negative: `${` of a template
  // literal), where the header before it started, where it is, whether it is a blanked body.
  const closers: Array<number> = []
  const boundaries: Array<number> = []
  const positions: Array<number> = []
  const blanks: Array<boolean> = []
  const bodies: Array<Span> = []
  const comments: Array<Span> = []
  let blanking = 0 // open blocks that are blanked bodies
  let boundary = 0 // where the current header starts
  let headerEmpty = true // no code since the boundary: a comment there is not part of the header
  let lastSignificant = -1 // the last character of code, to tell a regular expression from a division
  let wordStart = -1, wordEnd = -1
  let inTemplate = false
  let complete = 0 // where the last complete top-level item ends
  let lastCut = -1 // where the last body cut closed
  // Parenthesised groups since the header's start, with the depth they are at, and those of
  // function headers, whose insides are left out too.
  const groups: Array<readonly [from: number, to: number, level: number]> = []
  const params: Array<Span> = []
  const dropGroups = (level: number) => {
    while (groups.length > 0 && groups.at(-1)![2] >= level) groups.pop()
  }
  let i = 0
  while (i < n) {
    if (inTemplate) {
      // Template literal text: up to the closing backtick or a `${`.
      while (i < n) {
        const c = text.charCodeAt(i)
        if (c === BACKSLASH) i += 2
        else if (c === BACKTICK) {
          inTemplate = false
          i++
          break
        } else if (c === DOLLAR && text.charCodeAt(i + 1) === LBRACE) {
          closers.push(-RBRACE), boundaries.push(boundary), positions.push(i + 1), blanks.push(false)
          inTemplate = false
          i += 2
          boundary = i
          break
        } else i++
      }
      lastSignificant = i - 1
      continue
    }
    const c = text.charCodeAt(i)
    if (c === SPACE || c === NL || c === TAB || c === CR) {
      i++
      continue
    }
    const next = text.charCodeAt(i + 1)
    if (c === SLASH && (next === SLASH || next === STAR)) {
      const start = i
      if (next === SLASH) {
        const end = text.indexOf("\n", i)
        i = end < 0 ? n : end
      } else if (family === "rust") {
        let depth = 0
        for (; i < n; i++) {
          if (text.charCodeAt(i) === SLASH && text.charCodeAt(i + 1) === STAR) (depth++, i++)
          else if (text.charCodeAt(i) === STAR && text.charCodeAt(i + 1) === SLASH) {
            i++
            if (--depth === 0) {
              i++
              break
            }
          }
        }
      } else {
        const end = text.indexOf("*/", i + 2)
        i = end < 0 ? n : end + 2
      }
      if (blanking === 0) comments.push([start, i])
      if (headerEmpty) boundary = i
      continue
    }
    if (family === "cpp" && c === HASH && atLineStart(text, i)) {
      // A preprocessor line, with its continuations.
      let end = text.indexOf("\n", i)
      while (end > 0 && (text.charCodeAt(end - 1) === BACKSLASH || (text.charCodeAt(end - 1) === CR && text.charCodeAt(end - 2) === BACKSLASH))) {
        end = text.indexOf("\n", end + 1)
      }
      i = end < 0 ? n : end
      if (headerEmpty) boundary = i
      continue
    }
    headerEmpty = false
    let end = -1
    if (c === DQUOTE) {
      if (family === "java" && next === DQUOTE && text.charCodeAt(i + 2) === DQUOTE) {
        const close = text.indexOf("\"\"\"", i + 3)
        end = close < 0 ? n : close + 3
      } else if (family === "cpp" && text.charCodeAt(i - 1) === 82 && !isWord(text.charCodeAt(i - 2))) end = endOfCppRaw(text, i)
      if (end < 0) end = endOfString(text, i, DQUOTE, family === "rust")
    } else if (c === SQUOTE) {
      if (family === "rust") {
        // A char literal ('x', '\n', '\u{1F600}'), else a lifetime or label.
        if (next === BACKSLASH) end = endOfString(text, i, SQUOTE, false)
        else {
          const width = next >= 0xd800 && next <= 0xdbff ? 2 : 1
          end = text.charCodeAt(i + 1 + width) === SQUOTE ? i + 2 + width : i + 1
        }
      } else if (family === "cpp" && wordEnd === i && !/^(?:L|u|U|u8)$/.test(text.slice(wordStart, wordEnd))) {
        end = i + 1 // a digit separator: 1'000'000
      } else end = endOfString(text, i, SQUOTE, false)
    } else if (c === BACKTICK && family === "go") {
      const close = text.indexOf("`", i + 1)
      end = close < 0 ? n : close + 1
    } else if (c === BACKTICK && family === "js") {
      inTemplate = true
      i++
      continue
    } else if (family === "rust" && (c === 114 || c === 98) && !isWord(text.charCodeAt(i - 1))) {
      // r"…", r#"…"#, br"…", b"…", b'…'
      const r = c === 98 && next === 114 ? i + 1 : c === 114 ? i : -1
      if (r >= 0) end = endOfRustRaw(text, r)
      if (end < 0 && c === 98 && next === DQUOTE) end = endOfString(text, i + 1, DQUOTE, true)
      if (end < 0 && c === 98 && next === SQUOTE) end = endOfString(text, i + 1, SQUOTE, false)
    } else if (family === "js" && c === SLASH) {
      const before = lastSignificant < 0 ? SEMI : text.charCodeAt(lastSignificant)
      const regexAllowed = BEFORE_REGEX.has(before) ||
        (wordEnd === lastSignificant + 1 && KEYWORDS_BEFORE_REGEX.has(text.slice(wordStart, wordEnd)))
      if (regexAllowed) end = endOfRegex(text, i)
      if (end < 0) end = i + 1
    }
    if (end >= 0) {
      i = end
      lastSignificant = i - 1
      continue
    }
    if (isWord(c)) {
      wordStart = i
      i++
      while (i < n && isWord(text.charCodeAt(i))) i++
      wordEnd = i
      lastSignificant = i - 1
      continue
    }
    const previous = lastSignificant
    lastSignificant = i
    if (c === LBRACE) {
      // A block right after a cut one: that was a type (`f(): { a: T } {`, `func f() struct{} {`), this is the body.
      const blank = blanking === 0 && (previous === lastCut || opensBody(family, text.slice(boundary, i)))
      if (blank) {
        // The body's parameter lists: the stage never reads them either.
        for (const [from, to, level] of groups) {
          if (level !== closers.length || from < boundary || (bodies.at(-1)?.[0] ?? -1) > from || (comments.at(-1)?.[0] ?? -1) > from) continue
          if (/\bpub\s*$/.test(text.slice(Math.max(0, from - 9), from - 1))) continue // Rust's pub(crate)
          params.push([from, to])
        }
      }
      dropGroups(closers.length)
      closers.push(RBRACE), boundaries.push(boundary), positions.push(i), blanks.push(blank)
      if (blank) blanking++
      boundary = i + 1
      headerEmpty = true
    } else if (c === LPAREN || c === LBRACKET) {
      closers.push(c === LPAREN ? RPAREN : RBRACKET), boundaries.push(boundary), positions.push(i), blanks.push(false)
      boundary = i + 1
      headerEmpty = true
    } else if (c === RBRACE || c === RPAREN || c === RBRACKET) {
      const closer = closers.pop()
      const outer = boundaries.pop()!
      const at = positions.pop()!
      const blank = blanks.pop()!
      if (closer === -RBRACE && c === RBRACE) {
        inTemplate = true
        boundary = outer
        i++
        continue
      }
      if (closer !== c) return undefined
      if (blank) {
        blanking--
        // A body the stage may elide by whole rows must hold its rows alone: nothing after its
        // `{` or before its `}` on their rows but space (or a comment after the `{`).
        if (!ownsItsRows(text, at, i)) return undefined
        bodies.push([at + 1, i])
        lastCut = i
      }
      if (c === RPAREN && blanking === 0 && i > at + 1) groups.push([at + 1, i, closers.length])
      if (c === RBRACE) dropGroups(closers.length)
      boundary = c === RBRACE ? i + 1 : outer
      headerEmpty = c === RBRACE
    } else if (c === SEMI || (c === COMMA && (closers.at(-1) === RPAREN || closers.at(-1) === RBRACKET))) {
      // A comma ends a header only in an argument list or array: elsewhere it is inside one
      // (`template <class T, class V>`, `where T: A, U: B,`, `: a_(1), b_(2)`).
      dropGroups(closers.length)
      boundary = i + 1
      headerEmpty = true
    }
    if ((c === RBRACE || c === SEMI) && closers.length === 0) complete = i + 1
    i++
  }
  if (closers.length === 0 && !inTemplate) return { bodies, comments, blanks: params }
  // Brackets still open at the end: a file cut off mid-way (or a construct the lexer misread).
  // Only what comes before the last complete top-level item is cut; the rest is parsed as it is.
  if (complete === 0) return undefined
  const before = (spans: ReadonlyArray<Span>) => spans.filter(([, to]) => to <= complete)
  return { bodies: before(bodies), comments: before(comments), blanks: before(params) }
}

/** Whether a block from `{` at open to `}` at close is on one row, or alone on the rows it spans. */
const ownsItsRows = (text: string, open: number, close: number): boolean => {
  const openRowEnd = text.indexOf("\n", open)
  if (openRowEnd < 0 || openRowEnd > close) return true // one row
  const after = text.slice(open + 1, openRowEnd).trimStart()
  return (after === "" || after.startsWith("//") || after.startsWith("/*")) && atLineStart(text, close)
}

/** Whether only spaces and tabs come before position i on its line. */
const atLineStart = (text: string, i: number): boolean => {
  for (let j = i - 1; j >= 0; j--) {
    const c = text.charCodeAt(j)
    if (c === NL) return true
    if (c !== SPACE && c !== TAB) return false
  }
  return true
}

