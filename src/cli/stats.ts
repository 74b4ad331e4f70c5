/**
 * `headroom stats`: what the proxy saved, from the ledger in the store.
 *
 * @since 0.3.0
 */
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { InvalidArgument } from "../core/errors.ts"
import { LEDGER_DAYS } from "../core/store.ts"
import { entries } from "../servers/proxy/ledger.ts"
import { formatReport, report } from "../stats/report.ts"
import { jsonFlag, printJson, reportErrors, servicesLayer, writeStdout } from "./io.ts"

export const statsCommand = Command.make(
  "stats",
  {
    days: Flag.Int("days").pipe(Flag.withDescription(`how many days back to total (the ledger keeps ${LEDGER_DAYS})`), Flag.withDefault(30)),
    json: jsonFlag
  },
  (flags) =>
    Effect.gen(function*() {
      if (flags.days < 1 || flags.days > LEDGER_DAYS) {
        return yield* new InvalidArgument({ name: "--days", value: String(flags.days), expected: `from 1 to ${LEDGER_DAYS} (the ledger keeps ${LEDGER_DAYS} days)` })
      }
      const since = Date.now() - flags.days * 86_400_000
      const r = report(yield* entries(since), since)
      if (flags.json) return yield* printJson({ period: { days: flags.days, since: new Date(since).toISOString() }, totals: r.totals, models: r.models, clients: r.clients, days: r.days })
      yield* writeStdout(formatReport(r, flags.days))
    }).pipe(Effect.provide(servicesLayer()), reportErrors("stats"))
).pipe(
  Command.withShortDescription("print what the proxy saved: tokens and money, per model, client and day"),
  Command.withDescription(
    "Total the ledger the proxy keeps in the store (one record per model call: client, model, tokens before " +
      "and after, the upstream's usage): model calls, tokens before and after, and the money saved at list " +
      "prices with cache prices — overall, per model, per client and per day, with a chart of tokens saved."
  ),
  Command.withExamples([
    { command: "headroom stats", description: "the last 30 days" },
    { command: "headroom stats --days 7 --json", description: "a week, for programs" }
  ])
)
