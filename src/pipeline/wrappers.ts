/**
 * The lines agents put around a command's output: taken off before the output is compressed, and
 * put back as they were. Claude Code opens a failed command with `Exit code N`; Codex heads every
 * chunk with its id, wall time, exit status and token count; Gemini CLI wraps shell output in
 * `<untrusted_context>`; Copilot CLI closes it with the shell's exit status; Claude Code gives a
 * background task's output inside `<output>`, after the task's fields.
 *
 * @since 0.2.0
 */

const HEADS: ReadonlyArray<RegExp> = [
  /^Exit code -?\d+\n/,
  /^Chunk ID: \S+\nWall time: [^\n]*\n(?:Process exited with code -?\d+\n|Process running with session ID \d+\n)?(?:Original token count: \d+\n)?Output:\n/,
  /^Script completed\nWall time: [^\n]*\nOutput:\n/,
  /^<untrusted_context>\n(?:Command: [^\n]*\n)?(?:Directory: [^\n]*\n)?Output: /,
  // Claude Code's TaskOutput: fields of a background task, then its output.
  /^(?:<[a-z_]+>[^<\n]*<\/[a-z_]+>\n\n)+<output>\n/
]

const TAILS: ReadonlyArray<RegExp> = [
  /\n(?:Error: [^\n]*\n)?(?:Exit Code: [^\n]*\n)?(?:Signal: [^\n]*\n)?(?:Background PIDs: [^\n]*\n)?Process Group PGID: [^\n]*\n<\/untrusted_context>\s*$/,
  /\n<shellId: [^>\n]+>\s*$/,
  /\n?<\/output>\s*$/
]

export interface Wrapped {
  readonly head: string
  readonly body: string
  readonly tail: string
}

/** A text split into the agent's head and tail lines and the output between them. */
export const unwrap = (text: string): Wrapped => {
  const head = HEADS.map((h) => h.exec(text)?.[0]).find((m) => m !== undefined) ?? ""
  const rest = text.slice(head.length)
  const tailMatch = TAILS.map((t) => t.exec(rest)).find((m) => m !== null)
  const tail = tailMatch ? rest.slice(tailMatch.index) : ""
  return { head, body: rest.slice(0, rest.length - tail.length), tail }
}
