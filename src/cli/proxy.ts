/**
 * `headroom proxy`: start the compressing proxy and serve until interrupted.
 *
 * @since 0.3.0
 */
import { Effect, ManagedRuntime, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { InvalidArgument } from "../core/errors.ts"
import * as Runtime from "../runtime.ts"
import { UPSTREAMS, type Upstream } from "../servers/proxy/routes.ts"
import { DEFAULT_OPTIONS, startProxy } from "../servers/proxy/server.ts"
import { reportErrors, say } from "./io.ts"

const upstreamFlag = (upstream: Upstream) =>
  Flag.String(`upstream-${upstream}`).pipe(
    Flag.withDescription(`the ${upstream} API to forward to (default: $HEADROOM_UPSTREAM_${upstream.toUpperCase()}, else ${DEFAULT_OPTIONS.upstreams[upstream]})`),
    Flag.optional
  )

/** An upstream's base URL: the flag, else the environment, else the provider's public API. */
const upstreamUrl = (upstream: Upstream, flag: Option.Option<string>) =>
  Effect.gen(function*() {
    const name = `HEADROOM_UPSTREAM_${upstream.toUpperCase()}`
    const [source, value] = Option.isSome(flag) ? [`--upstream-${upstream}`, flag.value] : [name, process.env[name] ?? DEFAULT_OPTIONS.upstreams[upstream]]
    let url: URL | undefined
    try {
      url = new URL(value)
    } catch {
      url = undefined
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      return yield* new InvalidArgument({ name: source, value, expected: "an http or https URL" })
    }
    return value
  })

const isLoopback = (host: string) => host === "localhost" || host === "::1" || host.startsWith("127.")

export const proxyCommand = Command.make(
  "proxy",
  {
    port: Flag.Int("port").pipe(Flag.withDescription("the port to listen on (0: any free port)"), Flag.withDefault(DEFAULT_OPTIONS.port)),
    host: Flag.String("host").pipe(
      Flag.withDescription("the address to listen on; anything but loopback should set HEADROOM_PROXY_TOKEN"),
      Flag.withDefault(DEFAULT_OPTIONS.host)
    ),
    openai: upstreamFlag("openai"),
    anthropic: upstreamFlag("anthropic"),
    gemini: upstreamFlag("gemini"),
    budget: Flag.Int("budget-ms").pipe(
      Flag.withDescription("milliseconds a request's new tool results may take to compress; those not done by then go as they came"),
      Flag.withDefault(DEFAULT_OPTIONS.budgetMs)
    ),
    timeout: Flag.Int("timeout").pipe(
      Flag.withDescription("seconds an upstream may stay silent before the client gets an error"),
      Flag.withDefault(DEFAULT_OPTIONS.idleTimeoutMs / 1000)
    ),
    verbose: Flag.Boolean("verbose").pipe(Flag.withDescription("one line per request on stderr (never headers, keys or bodies)"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      if (flags.port < 0 || flags.port > 65535) return yield* new InvalidArgument({ name: "--port", value: String(flags.port), expected: "a port from 0 to 65535" })
      if (flags.budget < 1) return yield* new InvalidArgument({ name: "--budget-ms", value: String(flags.budget), expected: "at least 1" })
      if (flags.timeout < 1) return yield* new InvalidArgument({ name: "--timeout", value: String(flags.timeout), expected: "at least 1 second" })
      const upstreams = {} as Record<Upstream, string>
      for (const upstream of UPSTREAMS) upstreams[upstream] = yield* upstreamUrl(upstream, flags[upstream])
      const token = process.env.HEADROOM_PROXY_TOKEN || undefined
      // The settings are read now, so a bad config file is one clear error at start, not a failure per request.
      const runtime = ManagedRuntime.make(Runtime.layer())
      yield* Effect.tryPromise({ try: () => runtime.runPromise(Effect.void), catch: (e) => e })
      const proxy = yield* Effect.tryPromise({
        try: () =>
          startProxy({ ...DEFAULT_OPTIONS, port: flags.port, host: flags.host, upstreams, token, budgetMs: flags.budget, idleTimeoutMs: flags.timeout * 1000, verbose: flags.verbose }, runtime),
        catch: (e) => new InvalidArgument({ name: "--port", value: `${flags.host}:${flags.port}`, expected: `an address free to listen on (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
      })
      yield* say(`headroom proxy: listening on ${proxy.url} (OpenAI ${upstreams.openai}, Anthropic ${upstreams.anthropic}, Gemini ${upstreams.gemini})`)
      if (!isLoopback(flags.host) && token === undefined) yield* say("headroom proxy: listening beyond this machine without HEADROOM_PROXY_TOKEN: anyone who can reach it can use it")
      // Serve until SIGINT or SIGTERM, then finish cleanly.
      yield* Effect.callback<void>((resume) => {
        const stop = () => resume(Effect.void)
        process.once("SIGINT", stop)
        process.once("SIGTERM", stop)
      })
      yield* Effect.promise(() => proxy.close())
      yield* Effect.promise(() => runtime.dispose())
    }).pipe(reportErrors("proxy"))
).pipe(
  Command.withShortDescription("serve the compressing proxy for OpenAI, Anthropic and Gemini clients"),
  Command.withDescription(
    "Start an HTTP proxy that compresses the tool results of every model call on its way upstream — OpenAI " +
      "/v1/chat/completions and /v1/responses, Anthropic /v1/messages, Gemini :generateContent and " +
      ":streamGenerateContent — and forwards everything else as it came. Answers stream through as they " +
      "arrive. Point a client's base URL at it: OPENAI_BASE_URL=http://127.0.0.1:8787/v1, " +
      "ANTHROPIC_BASE_URL=http://127.0.0.1:8787, GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8787. A request " +
      "with the header x-headroom-bypass: 1 goes untouched. GET /health, /stats (JSON) and /metrics " +
      "(Prometheus) report on it."
  ),
  Command.withExamples([
    { command: "headroom proxy", description: "on 127.0.0.1:8787, to the providers' public APIs" },
    { command: "ANTHROPIC_BASE_URL=http://127.0.0.1:8787 claude", description: "Claude Code through it" },
    { command: "headroom proxy --port 9000 --upstream-openai http://localhost:4000/v1", description: "in front of a local gateway" }
  ])
)
