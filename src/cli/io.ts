/**
 * What every command shares: reading stdin, writing stdout, the `--json` and error conventions.
 * People read stderr; programs read stdout; exit codes: 0 ok, 1 bad input or a failed
 * operation, 2 bad usage.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Option, Stdio } from "effect"
import { Flag } from "effect/cli"
import type * as Config from "../core/config.ts"
import type { Compressed } from "../core/content.ts"
import * as Tokenizer from "../core/tokenizer.ts"
import { isUserError } from "../core/errors.ts"
import * as Runtime from "../runtime.ts"
import { collect } from "../stages/input.ts"
import { counterFor, report, summaryLine } from "./report.ts"

export const jsonFlag = Flag.Boolean("json").pipe(
  Flag.withDescription("print a JSON object for programs instead of the plain output"),
  Flag.withDefault(false)
)

export const ttlFlag = Flag.String("ttl").pipe(
  Flag.withDescription("keep stored originals this long, e.g. 7d, 12h, 30m (default: HEADROOM_TTL or 7d)"),
  Flag.optional
)

/** All of standard input, as bytes. At a terminal, says first what it is waiting for. */
export const readStdin: Effect.Effect<Uint8Array, never, Stdio.Stdio> = Effect.gen(function*() {
  const stdio = yield* Stdio.Stdio
  if (yield* stdio.stdinIsTerminal) yield* say("headroom: reading standard input (end it with Ctrl-D)")
  return yield* collect(stdio.stdin).pipe(Effect.orDie)
})

/** Writes to standard output; a closed pipe (`| head`) ends the command quietly. */
export const writeStdout = (data: string | Uint8Array): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (data.length === 0) return resume(Effect.void)
    process.stdout.write(data, (error) => {
      if (error && (error as NodeJS.ErrnoException).code !== "EPIPE") resume(Effect.die(error))
      else resume(Effect.void)
    })
  })

export const printJson = (value: unknown) => writeStdout(`${JSON.stringify(value, null, 2)}\n`)

/** A line for people, on standard error. */
export const say = (line: string): Effect.Effect<void> => Effect.sync(() => void process.stderr.write(`${line}\n`))

/**
 * Writes a compression's result: the output itself, or with `--json` one object of figures plus
 * the output, or with `--stats` the output plus a summary line on stderr. Token counts are made
 * only when asked for.
 */
export const printCompressed = (
  flags: { readonly json: boolean; readonly stats: boolean; readonly exact: boolean },
  input: Uint8Array,
  result: Compressed
): Effect.Effect<void, never, Tokenizer.Tokenizer> =>
  Effect.gen(function*() {
    if (!flags.json && !flags.stats) return yield* writeStdout(result.output)
    const facts = report(result, input, counterFor(yield* Tokenizer.Tokenizer, flags.exact))
    if (flags.json) {
      // An image (or any output that is not text) goes in base64.
      const text = typeof result.output === "string" ? result.output : result.type.startsWith("image:") ? undefined : new TextDecoder().decode(result.output)
      return yield* printJson(text !== undefined ? { ...facts, output: text } : { ...facts, output: Buffer.from(result.output).toString("base64"), outputEncoding: "base64" })
    }
    yield* writeStdout(result.output)
    yield* say(summaryLine(facts))
  })

/** What commands need, configured by the settings: the LevelDB store (opened on first use) and the token counter. */
export const servicesLayer = (overrides: Config.Overrides = {}) => Runtime.layer(overrides)

/** A `--ttl` flag's value, for the settings. */
export const ttlOf = (ttl: Option.Option<string>): string | undefined => Option.getOrUndefined(ttl)

/** Exit statuses: bad input or a failed operation (usage errors exit with 2), and a bug (sysexits' EX_SOFTWARE). */
const EXIT_FAILURE = 1
const EXIT_BUG = 70

/**
 * Runs a command's effect: a user error becomes one line on stderr and exit status 1; a bug
 * becomes one line too (no stack trace unless HEADROOM_DEBUG is set) and exit status 70.
 */
export const reportErrors = (command: string) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<void, never, R> =>
  effect.pipe(
    Effect.asVoid,
    Effect.catchCause((cause) =>
      Effect.sync(() => {
        const error = Cause.squash(cause)
        if (isUserError(error)) {
          process.stderr.write(`headroom ${command}: ${error.message}\n`)
          process.exitCode = EXIT_FAILURE
        } else {
          const message = error instanceof Error ? error.message : String(error)
          process.stderr.write(`headroom ${command}: internal error: ${message}\n`)
          if (process.env.HEADROOM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`)
          process.exitCode = EXIT_BUG
        }
      })
    )
  )
