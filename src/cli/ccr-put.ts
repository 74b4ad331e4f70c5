/**
 * `headroom ccr-put`: store stdin in CCR and print its marker; pin the originals its markers name.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command } from "effect/cli"
import { ccrPutBytes } from "../stages/ccr-put.ts"
import { jsonFlag, printJson, readStdin, reportErrors, servicesLayer, ttlFlag, writeStdout } from "./io.ts"

export const ccrPutCommand = Command.make("ccr-put", { ttl: ttlFlag, json: jsonFlag }, (flags) =>
  Effect.gen(function*() {
    const stored = yield* ccrPutBytes(yield* readStdin)
    if (!flags.json) return yield* writeStdout(stored.output)
    yield* printJson({
      hash: stored.key,
      marker: String(stored.output).trimEnd(),
      bytes: stored.bytesBefore,
      expiresAt: new Date(stored.expiresAt).toISOString(),
      pinned: stored.pinned
    })
  }).pipe(Effect.provide(servicesLayer({ ttl: Option.getOrUndefined(flags.ttl) })), reportErrors("ccr-put"))
).pipe(
  Command.withShortDescription("store stdin and print its marker; pin the markers it holds"),
  Command.withDescription(
    "Store stdin (any bytes) in the local CCR store and print a marker naming its hash. Markers found in the " +
      "input have their originals' TTL extended too, so `headroom crush | headroom ccr-put` keeps everything " +
      "the crushed text points at."
  ),
  Command.withExamples([
    { command: "cat build.log | headroom ccr-put", description: "prints: [5,210 lines not shown · headroom_retrieve hash=…]" },
    { command: "cat log.json | headroom crush | headroom ccr-put --ttl 30d", description: "keep a crushed result for a month" }
  ])
)
