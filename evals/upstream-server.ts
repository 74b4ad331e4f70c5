/**
 * The scripted upstream of the tests (test/upstream.ts) as a process of its own, for benchmarks:
 * prints its URL on stdout, answers every request in its format (streams with their events
 * DELAY_MS apart), and runs until killed.
 */
import { answer, startUpstream } from "../test/upstream.ts"

const delayMs = Number(process.env.DELAY_MS ?? 0)
const upstream = await startUpstream()
upstream.handler = (req) => {
  const reply = answer(req)
  return reply.chunks.length > 1 ? { ...reply, delayMs } : reply
}
// Nothing is kept: a benchmark sends thousands of requests.
setInterval(() => void (upstream.received.length = 0), 1000).unref()
process.stdout.write(`${upstream.url}\n`)
