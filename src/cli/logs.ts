/**
 * `headroom logs`: a log on stdin, its informative lines on stdout as soon as they are decided.
 * Works on endless input (`tail -f app.log | headroom logs`) in bounded memory.
 *
 * @since 0.1.0
 */
import { Effect, Option, Stdio, Stream } from "effect"
import { Command } from "effect/cli"
import * as Tokenizer from "../core/tokenizer.ts"
import { logs } from "../stages/logs.ts"
import { jsonFlag, modelFlag, printJson, queryFlag, reportErrors, say, servicesLayer, statsFlag, ttlFlag, writeStdout } from "./io.ts"
import { summaryLine } from "./report.ts"

export const logsCommand = Command.make(
  "logs",
  { query: queryFlag, ttl: ttlFlag, json: jsonFlag, stats: statsFlag, model: modelFlag },
  (flags) =>
    Effect.gen(function*() {
      const stdio = yield* Stdio.Stdio
      const parts: Array<Uint8Array> = []
      let tokensIn = 0
      let tokensOut = 0
      const tokenizer = yield* Tokenizer.Tokenizer
      const decoder = new TextDecoder()
      const counting = flags.json || flags.stats
      const input = counting
        ? stdio.stdin.pipe(Stream.tap((chunk) => Effect.sync(() => (tokensIn += tokenizer.count(decoder.decode(chunk)).tokens))))
        : stdio.stdin
      yield* input.pipe(
        Stream.orDie,
        logs({ query: Option.getOrUndefined(flags.query) }),
        Stream.runForEach((event) => {
          if (event._tag === "Output") {
            if (counting) tokensOut += tokenizer.count(decoder.decode(event.bytes)).tokens
            if (flags.json) return Effect.sync(() => void parts.push(event.bytes))
            return writeStdout(event.bytes)
          }
          const r = event.result
          const facts = {
            stage: r.stage,
            type: r.type,
            hash: r.key ?? null,
            model: tokenizer.model,
            tokensBefore: tokensIn,
            tokensAfter: tokensOut,
            tokensExact: false,
            reduction: tokensIn > 0 ? Number((1 - tokensOut / tokensIn).toFixed(4)) : null,
            bytesBefore: r.bytesBefore,
            bytesAfter: r.bytesAfter,
            dropped: r.dropped,
            passthrough: null
          }
          if (flags.json) return printJson({ ...facts, output: Buffer.concat(parts).toString("utf8") })
          return flags.stats ? say(summaryLine(facts)) : Effect.void
        })
      )
    }).pipe(
      Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl), model: Option.getOrUndefined(flags.model) })),
      reportErrors("logs")
    )
).pipe(
  Command.withShortDescription("compress a log as it streams: one line per template, every alert, counts"),
  Command.withDescription(
    "Compress a log from stdin as it arrives, in bounded memory: the first line of each message template, every " +
      "new error/warning/exception line with the lines around it, stack traces, test-runner summaries, lines " +
      "matching --query, and the last line are shown as they are; the lines between become a marker whose hash " +
      "returns exactly them (headroom ccr-get HASH, or --query to find one)."
  ),
  Command.withExamples([
    { command: "tail -f /var/log/app.log | headroom logs", description: "follow a log, quietly" },
    { command: "npm test 2>&1 | headroom logs", description: "a test run's output, failures and summary kept" },
    { command: "headroom logs --query 'req-7f3a' < app.log", description: "and every line about one request" }
  ])
)
