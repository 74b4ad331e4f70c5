/**
 * compress(request): a whole agent request made smaller, block by block, in order. Only tool
 * results change. What each is comes from the call that made it (tool rules); its envelope comes
 * off and goes back on exactly; a run of lines the model has already seen becomes a marker naming
 * where; the rest goes to the stage for its type, with the conversation's focus as the query; a
 * file the agent reads and is small stays whole. Markers are written so the agent can fetch what
 * they hide with its own tools.
 *
 * Cache-safe by construction: a block's compressed form is a pure function of the conversation up
 * to and including it (its focus and what counts as seen come only from before it), so the
 * compressed request of turn n is a byte prefix of turn n+1's. What was worked out for a request
 * is kept (the state after its last block, each block's outcome, keyed by a hash chained over the
 * blocks), so the next request — the same blocks and a few more — costs only its new blocks.
 * Fail open per block: a block that cannot be compressed is sent as it came; the request itself
 * never fails.
 *
 * @since 0.2.0
 */
import { Duration, Effect, Option } from "effect"
import { createHash } from "node:crypto"
import { Config } from "../core/config.ts"
import { type ContentType, decodeUtf8, type PassReason } from "../core/content.ts"
import { keyOf } from "../core/hash.ts"
import { textLines } from "../core/lines.ts"
import { type Marker, render, rewriteMarkers } from "../core/marker.ts"
import type { StoreError } from "../core/errors.ts"
import { Store } from "../core/store.ts"
import { encodingFor, estimateTokens, fewerTokensThan } from "../core/tokenizer.ts"
import type { Block, Conversation, Provider, Replacement } from "../providers/conversation.ts"
import { valueAt, writeAt } from "../providers/conversation.ts"
import { IMAGE_PROVIDER, imageIn, type InlineImage, noteBlock, withImage } from "../providers/images.ts"
import { declaredTools, MESSAGES_KEY, providerOf, providerOfMessages, readConversation } from "../providers/providers.ts"
import { compressBytes } from "../stages/compress.ts"
import { imageBytes } from "../stages/image.ts"
import { openNumbered } from "../stages/envelope.ts"
import { STAGES } from "../stages/registry.ts"
import { Focus } from "./focus.ts"
import { Memo } from "./memo.ts"
import { argsOf, BACKGROUND, commandOf, commandOutput, DEFAULT_RULES, offsetOf, pathOf, type ReadTool, ruleFor, taskOf, type ToolRule } from "./rules.ts"
import { Seen } from "./seen.ts"
import { unwrap } from "./wrappers.ts"

export interface RequestOptions {
  /** The wire format; detected from the body when not given. */
  readonly provider?: Provider | undefined
  /** More focus: what the caller knows the conversation is about. */
  readonly query?: string | undefined
  /** The model the request is for: the stats' token estimates are scaled to its tokenizer. */
  readonly model?: string | undefined
  /** Tool rules tried before the defaults (the config file's `"tools"`). */
  readonly rules?: ReadonlyArray<ToolRule> | undefined
  /** What was worked out for earlier requests (one per proxy, or per session); a fresh one by default. */
  readonly memo?: Memo | undefined
  /**
   * The caller never changes an object of a body after passing it (the proxy's bodies are parsed
   * and then only read): the JSON text of calls and other blocks is then kept with their objects,
   * not made again on every turn.
   */
  readonly immutableInput?: boolean | undefined
  /**
   * Milliseconds the new tool results and images may take (the proxy's budget): those not done by
   * then are sent as they came, and stay so on later turns (the memo keeps that outcome), so each
   * request is still a prefix of the next. Without it, every block is compressed however long it takes.
   */
  readonly budgetMs?: number | undefined
}

export interface StageStats {
  blocks: number
  tokensBefore: number
  tokensAfter: number
}

export interface RequestStats {
  readonly provider: Provider | undefined
  /** Estimated tokens of every block the pipeline read (texts, calls, results), before and after. */
  tokensBefore: number
  tokensAfter: number
  /** Tool results and inline images read, and how many were changed. */
  results: number
  compressed: number
  /** Per stage (and `repeat` for runs seen before): results changed, tokens before and after. */
  readonly stages: Record<string, StageStats>
  /** Why results were left as they were, counted. */
  readonly passthrough: Partial<Record<RequestPassReason, number>>
  /** The CCR keys the changed results' markers point at. */
  readonly keys: Array<string>
  /** New blocks of this request not compressed within `budgetMs` (sent as they came), when there were any. */
  overBudget?: number
}

/** A request made smaller: its body, what was written where in it, and the stats. */
export interface Compressed<B> {
  readonly body: B
  readonly stats: RequestStats
  /** What was written into the body: tool results' texts at their paths, images' blocks in their place. */
  readonly replacements: ReadonlyArray<Replacement>
}

/** A tool result's fate: its new text, or why it stays; an image's: the blocks in its place (the smaller image and a note). */
export type Outcome =
  | { readonly text: string; readonly stage: string; readonly keys: ReadonlyArray<string> }
  | {
    readonly blocks: ReadonlyArray<unknown>
    readonly stage: string
    readonly keys: ReadonlyArray<string>
    readonly tokensBefore: number
    readonly tokensAfter: number
  }
  | { readonly passthrough: RequestPassReason }

/**
 * Why a block stays as it came: a stage's reason, or the request's own — a listing or a write (`list`),
 * lines a marker gave back (`retrieved`), not done within the budget (`over-budget`).
 */
export type RequestPassReason = PassReason | "list" | "retrieved" | "over-budget"

/** Tool results smaller than this many tokens (estimated) stay as they are: not worth a marker. */
const SMALL_RESULT = 200
/** A file read under this many tokens is kept whole: the agent will likely edit from it. */
const READ_BUDGET = 800
/** A command's output shorter than this may describe the work (an issue, a test failure): its names join the focus. */
const NOTE_CHARS = 12_000
/** A result is sent as its runs seen before when they cover this share of its lines. */
const SEEN_SHARE = 0.3

interface Call {
  readonly name: string
  readonly args: unknown
  readonly rule: ToolRule | undefined
}

const SHELL_TOOLS = new Set(["Bash", "exec_command", "shell", "local_shell", "run_shell_command", "bash", "powershell", "unified_exec"])

const encoder = new TextEncoder()

/** The first line number of each row of a text in numbered lines, or undefined. */
const numbersOf = (text: string): Array<number | undefined> =>
  textLines(text).map((line) => {
    const m = /^ *(\d+)(?:\t|→)/.exec(line)
    return m ? Number(m[1]) : undefined
  })

/**
 * Markers written for the agent: as a shell command when it has a shell, and in a file read with
 * how its own read tool (or `sed -n`) returns the hidden lines of the file.
 */
const forAgent = (text: string, original: string, shell: boolean, readBack: ReadTool | undefined, file: string | undefined, from: number | undefined): string => {
  const numbers = numbersOf(original)
  return rewriteMarkers(text, (marker): Marker => {
    const range = marker.selector?.lines?.split("-").map(Number)
    let detail = marker.detail
    const [a, b] = (range ?? [0, 0]) as [number, number]
    // The file's numbers of the hidden rows: printed on them, or counted from where the output starts.
    const first = numbers[a - 1] ?? (from !== undefined ? a + from - 1 : undefined)
    const last = numbers[b - 1] ?? (from !== undefined ? b + from - 1 : undefined)
    if (range && marker.unit === "lines" && file !== undefined && first !== undefined && last !== undefined) {
      const how = readBack
        ? `${readBack.tool} offset=${readBack.tool === "read_file" ? first - 1 : first} limit=${last - first + 1}`
        : shell
        ? `sed -n '${first},${last}p' ${file}`
        : undefined
      if (how) detail = detail ? `${detail}, ${how}` : how
    }
    return { ...marker, detail, form: shell ? "shell" : "tool" }
  })
}

/** The file line a read starts at: its offset (Gemini's `read_file` counts from 0), else 1. */
const firstLineOf = (rule: ToolRule, args: unknown): number => {
  const offset = offsetOf(rule, args)
  return offset === undefined ? 1 : rule.readBack?.tool === "read_file" ? offset + 1 : offset
}

/** What a block counts for in the stats, and its fate when it is a tool result. */
interface Record_ {
  readonly before: number
  readonly after: number
  readonly outcome?: Outcome
}

/** The pipeline's knowledge after some blocks: it goes on from there for a request that extends them. */
class State {
  readonly focus = new Focus()
  readonly seen = new Seen()
  readonly calls = new Map<string, Call>()
  /** Background commands by their id, for the calls that fetch their output later. */
  readonly background = new Map<string, string>()
  readonly records: Array<Record_> = []
  /** The blocks read so far, as `printsOf` gives them, under which settings, and their chained hashes. */
  prints: ReadonlyArray<string> = []
  kinds = ""
  salt = ""
  chain: Array<string> = []
  hasShell = false
  lastAssistantMessage: unknown = undefined
  lastCall: Call | undefined = undefined
}

/**
 * Each block as one string, all it says (its text itself: no copy is made), and what kind of block
 * it is as one letter in `kinds`: blocks are equal when both are.
 */
const printsOf = (body: Record<string, any>, blocks: ReadonlyArray<Block>, immutable: boolean): { readonly prints: Array<string>; readonly kinds: string } => {
  const printed = immutable ? printedOnce : (value: unknown) => JSON.stringify(value) ?? ""
  return {
    prints: blocks.map((block) => {
      if (block.kind === "tool-call") return `${block.name}\u0000${printed(block.args)}`
      if (block.kind === "other") return printed(valueAt(body, block.path))
      return block.text
    }),
    kinds: blocks.map((block) => (block.kind === "text" ? "t" : block.kind === "tool-call" ? "c" : block.kind === "tool-result" ? "r" : "o")).join("")
  }
}

/**
 * Values as JSON text, kept for the objects already printed (for input no one changes): a proxy
 * parses only a request's new messages and reuses the objects of those it shares with the last one
 * (compress-body.ts), so a conversation's calls and other blocks are printed once, not every turn.
 */
const printedObjects = new WeakMap<object, string>()
const printedOnce = (value: unknown): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? ""
  let text = printedObjects.get(value)
  if (text === undefined) printedObjects.set(value, text = JSON.stringify(value))
  return text
}

/** How many blocks a state has read, when they are the first blocks of a request; else -1. */
const extent = (state: State, salt: string, prints: ReadonlyArray<string>, kinds: string): number => {
  const n = state.prints.length
  if (n === 0 || n > prints.length || state.salt !== salt || state.prints[n - 1] !== prints[n - 1] || !kinds.startsWith(state.kinds)) return -1
  for (let i = 0; i < n - 1; i++) if (state.prints[i] !== prints[i]) return -1
  return n
}

export const compressConversation = (
  body: Record<string, any>,
  conversation: Conversation,
  options: RequestOptions = {}
): Effect.Effect<Compressed<Record<string, any>>, never, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    const store = yield* Store
    const rules = [...(options.rules ?? settings.tools ?? []), ...DEFAULT_RULES]
    const memo = options.memo ?? new Memo()
    const deadline = options.budgetMs === undefined ? undefined : Date.now() + options.budgetMs
    let overBudget = 0
    /** A new block's compression, given what is left of the budget; over it, the block goes as it came. */
    const inBudget = <A extends Outcome, R>(work: Effect.Effect<A, never, R>): Effect.Effect<Outcome, never, R> => {
      if (deadline === undefined) return work
      const left = deadline - Date.now()
      const over = (): Outcome => {
        overBudget++
        return { passthrough: "over-budget" }
      }
      if (left <= 0) return Effect.sync(over)
      return Effect.map(Effect.timeoutOption(work, Duration.millis(left)), Option.getOrElse(over))
    }
    const blocks = conversation.blocks
    // Markers take the shell form when the agent has a shell: from the tools it declares (the same
    // on every turn), else from a shell call before the block (so earlier blocks never change).
    const declaresShell = declaredTools(body).some((name) => SHELL_TOOLS.has(name))
    // A computer-use agent clicks in its screenshots' pixels: their size is not ours to change.
    const usesComputer = declaredTools(body).some((name) => /^computer/.test(name))
    const salt = JSON.stringify([conversation.provider, declaresShell, options.query ?? "", rules.length > DEFAULT_RULES.length ? rules : []])
    const { prints, kinds } = printsOf(body, blocks, options.immutableInput === true)
    // Go on from the state of the longest earlier request this one extends (its blocks compared as
    // strings: cheaper than hashing them again), hashing only the blocks after it.
    const state = memo.takeLongest<State>((s) => extent(s, salt, prints, kinds)) ?? new State()
    const start = state.prints.length
    const imageAt = (block: Block) => (usesComputer || block.kind !== "other" ? undefined : imageIn(conversation.provider, valueAt(body, block.path)))
    const compressible = (block: Block) => block.kind === "tool-result" || imageAt(block) !== undefined
    if (start > 0 && !blocks.slice(start).some(compressible)) {
      // Only messages and calls after what the state has read: nothing new to compress, so the state
      // is read, not moved on — it stays as it was for the next turn, which may not repeat these
      // blocks (a request retried with a note, a side question).
      memo.putState(state.chain[start - 1]!, state, weightOf(state.prints))
      return finish(body, conversation, options, settings.model, [...state.records, ...blocks.slice(start).map(plainRecord)])
    }
    if (start === 0) state.hasShell = declaresShell
    const chain = state.chain
    for (let i = start; i < blocks.length; i++) {
      chain.push(createHash("sha1").update(i === 0 ? salt : chain[i - 1]!).update(kinds[i]!).update(prints[i]!).digest("base64"))
    }
    state.prints = prints
    state.kinds = kinds
    state.salt = salt

    const describe = (call: Call | undefined, what: string) => {
      const path = call && pathOf(call.rule, call.args)
      return call ? `the ${call.name}${what}${path ? ` of ${path.split("/").pop()}` : ""}` : "a tool result"
    }

    /** A text whose original is stored under its key, in place of a result. */
    const stored = (original: string, text: string, stage: string) =>
      Effect.gen(function*() {
        const { key } = yield* store.put(encoder.encode(original), settings.ttlMs)
        return { text, stage, keys: [key] } as Outcome
      })

    /** A result whose lines the model has mostly seen before: each run seen is a marker naming where. */
    const seenBefore = (text: string, call: Call | undefined): Effect.Effect<Outcome | undefined, StoreError> => {
      const runs = state.seen.runs(text)
      const lines = textLines(text)
      const covered = runs.reduce((n, r) => n + r.to - r.from + 1, 0)
      if (covered < SEEN_SHARE * lines.length) return Effect.succeed(undefined)
      const key = keyOf(text)
      const out: Array<string> = []
      let row = 0
      for (const run of runs) {
        out.push(...lines.slice(row, run.from))
        out.push(`${render({ count: run.to - run.from + 1, unit: "lines", key, detail: run.detail, selector: { lines: `${run.from + 1}-${run.to + 1}` } })}\n`)
        row = run.to + 1
      }
      out.push(...lines.slice(row))
      const rule = call?.rule
      const file = rule?.kind === "read" ? pathOf(rule, call?.args) : undefined
      const written = forAgent(out.join(""), text, state.hasShell, rule?.readBack, file, rule?.kind === "read" ? firstLineOf(rule, call?.args) : undefined)
      return stored(text, written, "repeat")
    }

    /** Compresses one tool result (of `tokens`, estimated); any failure leaves it as it came. */
    const compressResult = (block: Extract<Block, { kind: "tool-result" }>, call: Call | undefined, tokens: number): Effect.Effect<Outcome, never, Store | Config> =>
      Effect.gen(function*() {
        const text = block.text
        if (tokens < Math.max(SMALL_RESULT, settings.minTokens)) return { passthrough: "below-threshold" as const }
        const rule = call?.rule
        const seen = yield* seenBefore(text, call)
        if (seen !== undefined) return seen
        if (rule?.kind === "list" || rule?.kind === "write" || rule?.kind === "edit") return { passthrough: "list" as const }
        const { head, body, tail } = unwrap(text)
        let hint: ContentType | undefined
        let file = rule?.kind === "read" ? pathOf(rule, call?.args) : undefined
        // Where the output's first line is in the file: a read's offset, a `sed -n` range's start.
        let from = rule?.kind === "read" ? firstLineOf(rule, call?.args) : undefined
        if (rule?.kind === "shell") {
          const task = taskOf(rule, call?.args)
          const output = commandOutput((task !== undefined ? state.background.get(task) : undefined) ?? commandOf(rule, call?.args) ?? "")
          if (output.list) return { passthrough: "list" as const }
          // Compressed again, the lines a marker hid would come back hidden: sent as they are.
          if (output.retrieved) return { passthrough: "retrieved" as const }
          hint = output.type
          file = output.file ?? file
          from = output.from
        }
        if (rule?.kind === "search") hint = "search"
        if (rule?.kind === "read") {
          // A file the agent reads and is small stays whole: it will likely edit from it.
          const numbered = openNumbered(body)
          if (fewerTokensThan(numbered ? numbered.inner : body, READ_BUDGET)) return { passthrough: "below-threshold" as const }
        }
        const query = [...state.focus.names(call?.args), ...(options.query ? [options.query] : [])].join(" ")
        const c = yield* compressBytes(encoder.encode(body), { hint, path: file, query }).pipe(Effect.orElseSucceed(() => undefined))
        if (c === undefined || c.passthrough !== undefined) return { passthrough: c?.passthrough ?? "internal-error" }
        // The agent edits a file with exact strings from what it read: crush's JSON, rewritten, would not match.
        if (file !== undefined && STAGES.find((s) => s.name === c.stage)?.keepsLines !== true) return { passthrough: "file-lines" as const }
        const out = typeof c.output === "string" ? c.output : decodeUtf8(c.output) ?? body
        const written = forAgent(out, body, state.hasShell, rule?.kind === "read" ? rule.readBack : undefined, file, from)
        return { text: head + written + tail, stage: c.stage, keys: c.key ? [c.key] : [] }
      }).pipe(Effect.catchCause(() => Effect.succeed({ passthrough: "internal-error" as const })))

    /** An inline image made smaller for the provider that bills it, with a note after it saying how to get the original. */
    const compressImage = (block: Record<string, any>, image: InlineImage): Effect.Effect<Outcome, never, Store | Config> =>
      Effect.gen(function*() {
        const provider = conversation.provider
        const c = yield* imageBytes(Buffer.from(image.data, "base64"), { provider: IMAGE_PROVIDER[provider], low: image.low })
        if (c.passthrough !== undefined || c.image === undefined || c.key === undefined) return { passthrough: c.passthrough ?? "internal-error" }
        const format = c.type.slice("image:".length)
        const { before, after } = c.image
        const how = state.hasShell ? `\`headroom ccr-get ${c.key} > original.${format === "jpeg" ? "jpg" : format}\`` : `stored by headroom as ${c.key}`
        const note = `[headroom: this image is sent at ${after.width}×${after.height} of its ${before.width}×${before.height} to save tokens; full resolution: ${how}]`
        const data = Buffer.from(c.output as Uint8Array).toString("base64")
        return {
          blocks: [withImage(provider, block, `image/${format}`, data), noteBlock(provider, note)],
          stage: "image",
          keys: [c.key],
          tokensBefore: c.image.tokensBefore,
          tokensAfter: c.image.tokensAfter
        }
      }).pipe(Effect.catchCause(() => Effect.succeed({ passthrough: "internal-error" as const })))

    /** Reads a block into the state: focus, calls, what was seen; a tool result is compressed first. */
    const step = (block: Block, index: number): Effect.Effect<Record_, never, Store | Config> =>
      Effect.gen(function*() {
        const message = block.path[1]
        if (block.kind === "tool-result") {
          // Gemini may give no ids: its results follow their calls in order, by name.
          const call = (block.callId !== undefined ? state.calls.get(block.callId) : undefined) ??
            (block.name !== undefined && state.lastCall?.name === block.name ? state.lastCall : undefined)
          const started = BACKGROUND.exec(block.text.slice(0, 2000))
          const command = call && commandOf(call.rule, call.args)
          if (started && command) state.background.set(started[1] ?? started[2]!, command)
          const before = estimateTokens(block.text)
          const key = chain[index]!
          let outcome = memo.get(key) as Outcome | undefined
          let after = outcome !== undefined && "text" in outcome ? estimateTokens(outcome.text) : before
          if (outcome === undefined) {
            outcome = yield* inBudget(compressResult(block, call, before))
            if ("text" in outcome) after = estimateTokens(outcome.text)
            if (after >= before) {
              if ("text" in outcome) outcome = { passthrough: "not-smaller" }
              after = before
            }
            memo.set(key, outcome as never, "text" in outcome ? outcome.text.length : 0)
          }
          const sent = "text" in outcome ? outcome.text : block.text
          state.seen.add(sent, describe(call, " result"))
          if (describesWork(call, block.text, state)) state.focus.noted(block.text)
          return { before, after, outcome }
        }
        if (block.kind === "other") {
          const value = valueAt(body, block.path)
          const image = imageAt(block)
          if (image !== undefined) {
            const key = chain[index]!
            let outcome = memo.get(key) as Outcome | undefined
            if (outcome === undefined) {
              outcome = yield* inBudget(compressImage(value as Record<string, any>, image))
              // Weighed by what it keeps: the smaller image and its note.
              memo.set(key, outcome as never, "blocks" in outcome ? JSON.stringify(outcome.blocks).length : 0)
            }
            return "blocks" in outcome ? { before: outcome.tokensBefore, after: outcome.tokensAfter, outcome } : { before: 0, after: 0, outcome }
          }
          if (block.type === "thinking") {
            const thinking = (value as { thinking?: unknown } | undefined)?.thinking
            if (typeof thinking === "string") {
              if (message !== state.lastAssistantMessage) state.focus.turn()
              state.lastAssistantMessage = message
              state.focus.said(thinking)
            }
          }
          return plainRecord(block)
        }
        if (block.kind === "text") {
          if (block.role === "user") state.focus.asked(block.text)
          if (block.role === "assistant") {
            if (message !== state.lastAssistantMessage) state.focus.turn()
            state.lastAssistantMessage = message
            state.focus.said(block.text)
          }
          return plainRecord(block)
        }
        const args = argsOf(block.args)
        const call: Call = { name: block.name, args, rule: ruleFor(block.name, rules) }
        if (message !== state.lastAssistantMessage) state.focus.turn()
        state.lastAssistantMessage = message
        if (block.id !== undefined) state.calls.set(block.id, call)
        state.lastCall = call
        if (SHELL_TOOLS.has(block.name)) state.hasShell = true
        // What the model writes is seen: a file's content, an edit's new text.
        for (const text of writtenTexts(args)) state.seen.add(text, describe(call, " call"))
        return plainRecord(block)
      })

    for (let i = start; i < blocks.length; i++) state.records.push(yield* step(blocks[i]!, i))
    if (blocks.length > 0) memo.putState(chain[blocks.length - 1]!, state, weightOf(prints))
    const done = finish(body, conversation, options, settings.model, state.records)
    if (overBudget > 0) done.stats.overBudget = overBudget
    return done
  })

/** What the memo counts a state's conversation as weighing: its blocks' characters. */
const weightOf = (prints: ReadonlyArray<string>) => prints.reduce((sum, p) => sum + p.length, 0)

/** The tokens of a block that is no tool result, as it goes (unchanged). */
const plainRecord = (block: Block): Record_ => {
  if (block.kind === "text") {
    const n = estimateTokens(block.text)
    return { before: n, after: n }
  }
  if (block.kind === "tool-call") {
    const n = estimateTokens(`${block.name} ${typeof block.args === "string" ? block.args : JSON.stringify(block.args)}`)
    return { before: n, after: n }
  }
  return { before: 0, after: 0 }
}

/** The request's stats from its blocks' records, and its body with the compressed results in place. */
const finish = (
  body: Record<string, any>,
  conversation: Conversation,
  options: RequestOptions,
  model: string,
  records: ReadonlyArray<Record_>
): Compressed<Record<string, any>> => {
  const blocks = conversation.blocks
  const stats: RequestStats = { provider: conversation.provider, tokensBefore: 0, tokensAfter: 0, results: 0, compressed: 0, stages: {}, passthrough: {}, keys: [] }
  const scale = encodingFor(options.model ?? model).scale
  const replacements: Array<Replacement> = []
  blocks.forEach((block, i) => {
    const record = records[i]!
    // An image's tokens are its provider's own formula's, for any model of that provider.
    const factor = record.outcome !== undefined && "blocks" in record.outcome ? 1 : scale
    stats.tokensBefore += Math.round(record.before * factor)
    stats.tokensAfter += Math.round(record.after * factor)
    const outcome = record.outcome
    if (outcome === undefined) return
    stats.results++
    if ("passthrough" in outcome) {
      stats.passthrough[outcome.passthrough] = (stats.passthrough[outcome.passthrough] ?? 0) + 1
      return
    }
    replacements.push("text" in outcome ? { path: block.path, text: outcome.text } : { path: block.path, blocks: outcome.blocks })
    stats.compressed++
    const stage = (stats.stages[outcome.stage] ??= { blocks: 0, tokensBefore: 0, tokensAfter: 0 })
    stage.blocks++
    stage.tokensBefore += Math.round(record.before * factor)
    stage.tokensAfter += Math.round(record.after * factor)
    for (const key of outcome.keys) if (!stats.keys.includes(key)) stats.keys.push(key)
  })
  return { body: writeAt(body, replacements), stats, replacements }
}

/**
 * Whether a command's output describes the work (an issue, a plan): short, from a command whose
 * output is not a known kind (search results, a log, JSON, a file), and not a list.
 */
const describesWork = (call: Call | undefined, text: string, state: State): boolean => {
  if (call?.rule?.kind !== "shell" || text.length >= NOTE_CHARS) return false
  const task = taskOf(call.rule, call.args)
  const output = commandOutput((task !== undefined ? state.background.get(task) : undefined) ?? commandOf(call.rule, call.args) ?? "")
  return output.type === undefined && output.file === undefined && !output.list
}

/** The texts a call writes (a file's content, an edit's new text, a patch), which the model has thereby seen. */
const writtenTexts = (args: unknown): Array<string> => {
  if (args === null || typeof args !== "object") return typeof args === "string" && args.includes("\n") ? [args] : []
  const out: Array<string> = []
  for (const [key, value] of Object.entries(args)) {
    if (typeof value === "string" && /content|new_string|text|input|patch/i.test(key) && value.includes("\n")) out.push(value)
    if (key === "edits" && Array.isArray(value)) for (const e of value) if (typeof e?.new_string === "string") out.push(e.new_string)
  }
  return out
}

/** A whole request body (system, tools, messages) made smaller; the input is not changed. */
export const compressRequest = (
  body: unknown,
  options: RequestOptions = {}
): Effect.Effect<Compressed<unknown>, never, Store | Config> => {
  const provider = options.provider ?? providerOf(body)
  if (provider === undefined || body === null || typeof body !== "object") {
    return Effect.succeed({ body, stats: { provider, tokensBefore: 0, tokensAfter: 0, results: 0, compressed: 0, stages: {}, passthrough: { unsure: 1 }, keys: [] }, replacements: [] })
  }
  const request = body as Record<string, any>
  return compressConversation(request, readConversation(request, provider), options)
}

/**
 * A messages array (of any of the four formats, detected or given as `provider`) made smaller:
 * the request's messages alone, as `compressRequest` does them. The input is not changed.
 */
export const compressMessages = (
  messages: ReadonlyArray<unknown>,
  options: RequestOptions = {}
): Effect.Effect<{ readonly messages: ReadonlyArray<unknown>; readonly stats: RequestStats }, never, Store | Config> => {
  const provider = options.provider ?? providerOfMessages(messages)
  const key = MESSAGES_KEY[provider]
  return Effect.map(compressRequest({ [key]: messages }, { ...options, provider }), ({ body, stats }) => ({
    messages: (body as Record<string, ReadonlyArray<unknown>>)[key]!,
    stats
  }))
}
