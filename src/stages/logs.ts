/**
 * The logs stage: a true stream. `tail -f app.log | headroom logs` prints each line it shows as
 * soon as it is decided, in bounded memory. Repeats of a template already shown are folded into
 * runs; each run is stored in CCR on its own and replaced, where it was, by a marker whose hash
 * returns exactly those lines (`headroom ccr-get HASH --query TEXT` finds one among them).
 * A run that its marker would not make smaller, in bytes and in (estimated) tokens, is shown as
 * it is, so the output is never longer than the input. A line shown that is too long to read
 * keeps its head and tail around an in-line marker whose hash returns exactly the middle (see
 * `core/lines.ts`); a line too long to hold is cut that way as it streams in, its middle stored
 * in pieces of a few MB, each behind its own marker: no byte is ever out of reach.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { Config } from "../core/config.ts"
import { type Compressed, type Emitted, unchanged } from "../core/content.ts"
import type { KeyCollision, StoreUnavailable } from "../core/errors.ts"
import { keyOf } from "../core/hash.ts"
import { fewerTokens, LineSplitter, type Split, worthMarking } from "../core/lines.ts"
import { showLine } from "./long-line.ts"
import { render } from "../core/marker.ts"
import { Store } from "../core/store.ts"
import { belowMinTokens } from "../core/tokenizer.ts"
import { failOpen } from "./fail-open.ts"
import { LogCompressor, type LogPiece } from "./logs/log-compressor.ts"
import { stage } from "./stage.ts"
import { queryOf } from "../core/query.ts"

export interface LogsOptions {
  readonly query?: string | undefined
  readonly ttlMs?: number | undefined
  /** Makes the line compressor; tests pass one that breaks, to see the stage fail open. */
  readonly makeCompressor?: ((query: string | undefined) => LogCompressor) | undefined
}

/** Inputs up to this size are also stored whole, so one hash returns all of it. */
const WHOLE_LIMIT = 16 * 1024 * 1024

const encoder = new TextEncoder()

const runMarker = (key: string, lines: number, templates: number) =>
  render({ key, count: lines, unit: "lines", detail: `like lines above (${templates} template${templates === 1 ? "" : "s"})` })

/** The logs stage as a stream of {@link Emitted}: output pieces as they are decided, then `Done`. */
export const logs = (options: LogsOptions = {}) =>
<E, R>(input: Stream.Stream<Uint8Array, E, R>): Stream.Stream<Emitted, E | StoreUnavailable | KeyCollision, R | Store | Config> =>
  Stream.unwrap(
    Effect.gen(function*() {
      const store = yield* Store
      const settings = yield* Config
      const ttlMs = options.ttlMs ?? settings.ttlMs
      const splitter = new LineSplitter()
      const compressor = options.makeCompressor?.(options.query) ?? new LogCompressor({ query: options.query })
      // Fail open: if the compressor breaks, what it held and everything after passes through.
      let broken: string | undefined
      let lineNumber = 0
      const push = (line: Uint8Array, cut: boolean, raw: Array<Uint8Array>) => {
        lineNumber++
        if (broken !== undefined) return void raw.push(line)
        try {
          compressor.push(line, cut)
        } catch (e) {
          broken = `at line ${lineNumber}: ${e instanceof Error ? e.message : String(e)}; passed through from there`
          raw.push(...compressor.abandon(), line)
        }
      }
      let whole: Array<Uint8Array> | undefined = []
      let bytesIn = 0
      let bytesOut = 0
      let droppedLines = 0
      let droppedChars = 0
      const query = queryOf(options.query)

      /** A line as shown: whole, or its head and tail around a marker once its middle is stored. */
      const shown = (line: Uint8Array) =>
        Effect.map(showLine(line, query, ttlMs), (s) => {
          droppedChars += s.chars
          return s.line
        })

      /** Turns decided pieces into bytes, storing each run before its marker goes out. */
      const emit = (pieces: ReadonlyArray<LogPiece>, raw: ReadonlyArray<Uint8Array> = []) =>
        Effect.gen(function*() {
          const out: Array<Uint8Array> = []
          for (const piece of pieces) {
            if (piece.kind === "line") {
              out.push(piece.cut ? piece.line : yield* shown(piece.line))
              continue
            }
            const runBytes = Buffer.concat(piece.lines as Array<Uint8Array>)
            const marker = `${runMarker(keyOf(runBytes), piece.lines.length, piece.templates)}\n`
            if (!worthMarking(marker, runBytes)) {
              out.push(runBytes)
              continue
            }
            yield* store.put(runBytes, ttlMs)
            droppedLines += piece.lines.length
            out.push(encoder.encode(marker))
          }
          out.push(...raw)
          const bytes = out.length === 1 ? out[0]! : Buffer.concat(out)
          bytesOut += bytes.length
          return bytes.length > 0 ? [{ _tag: "Output", bytes } as const] : []
        })

      /** Feeds split lines to the compressor; the hidden middles of lines too long to hold are stored first. */
      const feed = (splits: ReadonlyArray<Split>) =>
        Effect.gen(function*() {
          const raw: Array<Uint8Array> = []
          for (const split of splits) {
            if (split.kind === "hidden") yield* store.put(split.bytes, ttlMs)
            else {
              if (split.kind === "cut") droppedChars += split.chars
              push(split.bytes, split.kind === "cut", raw)
            }
          }
          return raw
        })

      const onChunk = (chunk: Uint8Array) =>
        Effect.gen(function*() {
          bytesIn += chunk.length
          if (whole !== undefined) {
            whole.push(chunk)
            if (bytesIn > WHOLE_LIMIT) whole = undefined // too large to keep whole: runs only
          }
          const raw = yield* feed(splitter.push(chunk))
          return yield* emit(compressor.take(), raw)
        })

      const onEnd = Effect.gen(function*() {
        const raw = yield* feed(splitter.end())
        if (broken === undefined) compressor.end()
        const tail = yield* emit(compressor.take(), raw)
        let key: string | undefined
        if (whole !== undefined && (droppedLines > 0 || droppedChars > 0)) {
          const original = Buffer.concat(whole)
          key = (yield* store.put(original, ttlMs)).key
        }
        const result: Compressed = {
          output: new Uint8Array(0),
          stage: "logs",
          type: "log",
          key,
          bytesBefore: bytesIn,
          bytesAfter: bytesOut,
          dropped: droppedChars > 0 ? { lines: droppedLines, chars: droppedChars } : { lines: droppedLines },
          ...(broken !== undefined ? { passthrough: "internal-error" as const, note: broken } : {})
        }
        return [...tail, { _tag: "Done", result } as const]
      })

      return input.pipe(
        Stream.mapEffect(onChunk),
        Stream.concat(Stream.fromEffect(Effect.suspend(() => onEnd))),
        Stream.flattenIterable
      )
    })
  )

/** Collects a streaming stage's output into one {@link Compressed}. */
export const collectEmitted = <E, R>(stream: Stream.Stream<Emitted, E, R>): Effect.Effect<Compressed, E, R> =>
  Stream.runFold(stream, () => ({ parts: [] as Array<Uint8Array>, result: undefined as Compressed | undefined }), (acc, e) => {
    if (e._tag === "Output") acc.parts.push(e.bytes)
    else acc.result = e.result
    return acc
  }).pipe(Effect.map(({ parts, result }) => ({ ...result!, output: Buffer.concat(parts) })))

/**
 * Compresses a whole log. Inputs under the token threshold, and results no smaller than the
 * input, come back unchanged.
 */
export const logsBytes = (
  input: Uint8Array,
  options: LogsOptions = {}
): Effect.Effect<Compressed, StoreUnavailable | KeyCollision, Store | Config> =>
  Effect.gen(function*() {
    const settings = yield* Config
    if (belowMinTokens(input, settings.minTokens)) return unchanged(input, "logs", "log", "below-threshold")
    const result = yield* collectEmitted(Stream.succeed(input).pipe(logs(options)))
    if (result.passthrough !== undefined) return unchanged(input, "logs", "log", result.passthrough, result.note)
    if (!result.dropped.lines && !result.dropped.chars) return unchanged(input, "logs", "log", "not-smaller")
    if (!fewerTokens(result.output, input)) return unchanged(input, "logs", "log", "not-smaller")
    return result
  }).pipe(failOpen(input, "logs", "log"))

export const logsStage = stage({
  name: "logs",
  summary: "compress a log as it streams: one line per template, every alert, counts",
  description:
    "Compress a log from stdin as it arrives, in bounded memory: the first line of each message template, every " +
    "new alert (error, warning, exception words; HTTP 5xx statuses, non-zero exit codes, latency outliers) with " +
    "the lines around it, stack traces, test-runner summaries, lines matching --query, and the last line are " +
    "shown as they are (very long ones keep their head and tail); the lines between become a marker whose hash " +
    "returns exactly them (headroom ccr-get HASH, or --query to find one).",
  examples: [
    { command: "tail -f /var/log/app.log | headroom logs", description: "follow a log, quietly" },
    { command: "npm test 2>&1 | headroom logs", description: "a test run's output, failures and summary kept" },
    { command: "headroom logs --query 'req-7f3a' < app.log", description: "and every line about one request" }
  ],
  handles: (type) => type === "log",
  keepsLines: true,
  options: {},
  run: (input, options) => logsBytes(input, options),
  stream: (options) => logs(options)
})
