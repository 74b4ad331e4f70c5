/**
 * Unified diffs (`git diff`, `git log -p`, `diff -u`) as a list of blocks: text outside any
 * file (commit headers and messages), and file sections with their header lines and hunks.
 * Hunks are delimited by the line counts in their `@@ -a,b +c,d @@` headers.
 *
 * @since 0.1.0
 */
import { lineText } from "../../core/lines.ts"

export interface Hunk {
  readonly oldStart: number
  readonly newStart: number
  /** What follows the second `@@` on the header line (often the enclosing function). */
  readonly section: string
  /** Indexes of the hunk's header line and of its body lines, into the input's lines. */
  readonly header: number
  readonly body: ReadonlyArray<number>
}

export interface FileSection {
  readonly kind: "file"
  readonly path: string
  /** Indexes of the header lines (`diff --git`, `index`, `---`, `+++`, mode lines…). */
  readonly headers: ReadonlyArray<number>
  readonly hunks: ReadonlyArray<Hunk>
}

export interface Other {
  readonly kind: "other"
  readonly line: number
}

export type Block = FileSection | Other

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/

const pathOf = (headerTexts: ReadonlyArray<string>): string => {
  for (const t of headerTexts) {
    const plus = /^\+\+\+ (?:b\/)?(.+?)(?:\t.*)?$/.exec(t)
    if (plus && plus[1] !== "/dev/null") return plus[1]!
  }
  for (const t of headerTexts) {
    const git = /^diff --git a\/(.+) b\/(.+)$/.exec(t)
    if (git) return git[2]!
    const minus = /^--- (?:a\/)?(.+?)(?:\t.*)?$/.exec(t)
    if (minus) return minus[1]!
  }
  return "?"
}

export const parseDiff = (lines: ReadonlyArray<Uint8Array>): Array<Block> => {
  const texts = lines.map(lineText)
  const blocks: Array<Block> = []
  let i = 0
  const gitStart = (k: number) => texts[k]!.startsWith("diff --git ")
  // A plain `diff -u` file starts with `---` and `+++` lines right before its first hunk.
  const plainStart = (k: number) =>
    texts[k]!.startsWith("--- ") && (texts[k + 1] ?? "").startsWith("+++ ") && HUNK.test(texts[k + 2] ?? "")
  while (i < texts.length) {
    const headers: Array<number> = []
    if (gitStart(i)) {
      headers.push(i++)
      while (i < texts.length && !texts[i]!.startsWith("@@ ") && !gitStart(i) && !texts[i]!.startsWith("commit ")) {
        headers.push(i++)
      }
    } else if (plainStart(i)) headers.push(i++, i++)
    else {
      blocks.push({ kind: "other", line: i++ })
      continue
    }
    const hunks: Array<Hunk> = []
    let m: RegExpExecArray | null
    while (i < texts.length && (m = HUNK.exec(texts[i]!))) {
      const header = i++
      let oldLeft = m[2] === undefined ? 1 : Number(m[2])
      let newLeft = m[4] === undefined ? 1 : Number(m[4])
      const body: Array<number> = []
      while (i < texts.length && (oldLeft > 0 || newLeft > 0 || texts[i]!.startsWith("\\"))) {
        const c = texts[i]![0]
        if (c === " " || (c === undefined && texts[i] === "")) {
          oldLeft--
          newLeft--
        } else if (c === "-") oldLeft--
        else if (c === "+") newLeft--
        else if (c !== "\\") break
        body.push(i++)
      }
      hunks.push({ oldStart: Number(m[1]), newStart: Number(m[3]), section: m[5] ?? "", header, body })
    }
    blocks.push({ kind: "file", path: pathOf(headers.map((k) => texts[k]!)), headers, hunks })
  }
  return blocks
}
