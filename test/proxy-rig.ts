/**
 * The proxy in the test's own process, in front of the scripted upstream, with an in-memory store:
 * what the proxy's tests start. `close` stops all three.
 */
import { ManagedRuntime } from "effect"
import * as Runtime from "../src/runtime.ts"
import { DEFAULT_OPTIONS, type Proxy, type ProxyOptions, startProxy } from "../src/servers/proxy/server.ts"
import { startUpstream, type Upstream } from "./upstream.ts"

export interface ProxyRig {
  readonly up: Upstream
  readonly proxy: Proxy
  close(): Promise<void>
}

export const startProxyRig = async (options: Partial<ProxyOptions> = {}, upstreams: Partial<ProxyOptions["upstreams"]> = {}): Promise<ProxyRig> => {
  const up = await startUpstream()
  const runtime = ManagedRuntime.make(Runtime.layer({}, "memory"))
  const proxy = await startProxy(
    { ...DEFAULT_OPTIONS, port: 0, upstreams: { openai: `${up.url}/v1`, anthropic: up.url, gemini: up.url, ...upstreams }, ...options },
    runtime
  )
  return {
    up,
    proxy,
    close: async () => {
      await proxy.close()
      await up.close()
      await runtime.dispose()
    }
  }
}
