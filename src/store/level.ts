/**
 * The default CCR store: LevelDB under `$HEADROOM_HOME/store`, shared by every headroom process
 * on the machine. LevelDB admits one opener per directory, so `rave-level` makes the first
 * process the host and lets the others reach the database through it over a unix socket; when
 * the host exits (or is killed) another process takes over and replays its pending operations.
 *
 * Layout (keys are UTF-8, values bytes):
 *   `d!<key>`                original bytes
 *   `m!<key>`                JSON metadata {size, storedAt, expiresAt, digest}
 *   `t!<storedAt>!<key>`     time index for oldest-first eviction
 *   `s!bytes`, `s!swept`     approximate total size and time of the last full sweep
 *   `l!<at>!<n>`             a ledger record (JSON), in time order; dropped after LEDGER_DAYS
 * An entry's three records are written in one atomic batch: nothing partial is ever stored.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { accessSync, constants, mkdirSync } from "node:fs"
import { randomBytes } from "node:crypto"
import { createRequire } from "node:module"
import { join } from "node:path"
import { Config } from "../core/config.ts"
import { KeyCollision, StoreUnavailable, UnknownHash } from "../core/errors.ts"
import { digestOf, keyOfDigest } from "../core/hash.ts"
import { type Entry, LEDGER_DAYS, Store, type StoreShape } from "../core/store.ts"

interface Meta {
  readonly size: number
  readonly storedAt: number
  readonly expiresAt: number
  readonly digest: string
}

type Op =
  | { readonly type: "put"; readonly key: string; readonly value: Uint8Array }
  | { readonly type: "del"; readonly key: string }

interface Db {
  readonly status: string
  getMany(keys: ReadonlyArray<string>): Promise<Array<Uint8Array | undefined>>
  batch(ops: ReadonlyArray<Op>): Promise<void>
  keys(options: { gt: string; lt: string }): AsyncIterable<string>
  iterator(options: { gt: string; lt: string }): AsyncIterable<[string, Uint8Array]>
  close(): Promise<void>
  on(event: "error", listener: (e: Error) => void): void
}

/** Unix socket paths are limited to ~108 bytes; rave-level puts its socket in the store directory. */
const MAX_SOCKET_PATH = 100
/** A full sweep (expiry and cap) runs at most this often unless the cap is exceeded. */
const SWEEP_INTERVAL_MS = 3_600_000
const OP_TIMEOUT_MS = 30_000

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()
const encodeJson = (value: unknown): Uint8Array => utf8.encode(JSON.stringify(value))
const decodeJson = <A>(bytes: Uint8Array | undefined): A | undefined =>
  bytes === undefined ? undefined : JSON.parse(fromUtf8.decode(bytes)) as A
const pad = (n: number) => String(n).padStart(15, "0")
const timeKey = (storedAt: number, key: string) => `t!${pad(storedAt)}!${key}`
const ledgerKey = (at: number, n: string) => `l!${pad(at)}!${n}`

const describeFsError = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied"
    case "ENOTDIR":
      return "a part of the path is a file, not a directory"
    case "EROFS":
      return "read-only file system"
    case "ENOSPC":
      return "no space left on the device"
    default:
      return (e as Error).message ?? String(e)
  }
}

/** Creates the store directory (mode 0700) and checks it is writable, before LevelDB sees it. */
const prepareDirectory = (home: string, location: string) =>
  Effect.try({
    try: () => {
      mkdirSync(home, { recursive: true, mode: 0o700 })
      mkdirSync(location, { recursive: true, mode: 0o700 })
      accessSync(location, constants.W_OK)
    },
    catch: (e) => new StoreUnavailable({ location, reason: describeFsError(e) })
  })

export const open = (options: { readonly home: string; readonly maxBytes: number }) =>
  Effect.gen(function*() {
    const location = join(options.home, "store")
    if (join(location, "rave-level.sock").length > MAX_SOCKET_PATH) {
      return yield* new StoreUnavailable({
        location,
        reason: `the path is too long for the store's unix socket; set HEADROOM_HOME to a path under ${
          MAX_SOCKET_PATH - 25
        } characters`
      })
    }
    yield* prepareDirectory(options.home, location)
    const db = yield* Effect.try({
      try: () => {
        // Loaded on use: commands that need no store never pay for the native module.
        const { RaveLevel } = createRequire(import.meta.url)("rave-level") as {
          RaveLevel: new(location: string, options: object) => Db
        }
        return new RaveLevel(location, { keyEncoding: "utf8", valueEncoding: "view" })
      },
      catch: (e) => new StoreUnavailable({ location, reason: describeFsError(e) })
    })
    // rave-level reports a failure to become host or guest as an 'error' event; without this
    // listener it would crash the process, and the pending operations would wait forever.
    const failed = new Promise<never>((_, reject) => db.on("error", reject))
    failed.catch(() => undefined)
    const call = <A>(what: () => Promise<A>): Effect.Effect<A, StoreUnavailable> =>
      Effect.tryPromise({
        try: () => {
          let timer: NodeJS.Timeout | undefined
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${OP_TIMEOUT_MS / 1000} s`)), OP_TIMEOUT_MS)
            timer.unref()
          })
          return Promise.race([what(), failed, timeout]).finally(() => clearTimeout(timer))
        },
        catch: (e) => new StoreUnavailable({ location, reason: describeFsError(e) })
      })
    yield* call(() => db.getMany(["s!bytes"]))
    return makeShape(db, call, location, options.maxBytes)
  })

const makeShape = (
  db: Db,
  call: <A>(what: () => Promise<A>) => Effect.Effect<A, StoreUnavailable>,
  location: string,
  maxBytes: number
): StoreShape & { readonly close: Effect.Effect<void> } => {
  const readMeta = (keys: ReadonlyArray<string>) =>
    call(() => db.getMany(keys.map((k) => `m!${k}`))).pipe(
      Effect.map((values) => values.map((v) => decodeJson<Meta>(v)))
    )

  const removeOps = (key: string, meta: Meta): Array<Op> => [
    { type: "del", key: `d!${key}` },
    { type: "del", key: `m!${key}` },
    { type: "del", key: timeKey(meta.storedAt, key) }
  ]

  /** Drops expired entries, then evicts oldest-first past the cap; rewrites the size counter. */
  const sweep = (keep: string) =>
    Effect.gen(function*() {
      const now = Date.now()
      const metas = yield* call(async () => {
        const out: Array<[string, Meta]> = []
        for await (const [k, v] of db.iterator({ gt: "m!", lt: "m~" })) out.push([k.slice(2), decodeJson<Meta>(v)!])
        return out
      })
      const live = new Map<string, Meta>()
      const ops: Array<Op> = []
      let total = 0
      for (const [key, meta] of metas) {
        if (meta.expiresAt <= now && key !== keep) ops.push(...removeOps(key, meta))
        else {
          live.set(key, meta)
          total += meta.size
        }
      }
      if (total > maxBytes) {
        const index = yield* call(async () => {
          const out: Array<string> = []
          for await (const k of db.keys({ gt: "t!", lt: "t~" })) out.push(k)
          return out
        })
        for (const indexKey of index) {
          if (total <= maxBytes) break
          const key = indexKey.slice(indexKey.lastIndexOf("!") + 1)
          const meta = live.get(key)
          if (meta === undefined || timeKey(meta.storedAt, key) !== indexKey) {
            ops.push({ type: "del", key: indexKey }) // left behind by a concurrent re-store
            continue
          }
          if (key === keep) continue
          ops.push(...removeOps(key, meta))
          live.delete(key)
          total -= meta.size
        }
      }
      const stale = yield* call(async () => {
        const out: Array<string> = []
        for await (const k of db.keys({ gt: "l!", lt: ledgerKey(now - LEDGER_DAYS * 86_400_000, "") })) out.push(k)
        return out
      })
      for (const key of stale) ops.push({ type: "del", key })
      ops.push({ type: "put", key: "s!bytes", value: encodeJson(total) })
      ops.push({ type: "put", key: "s!swept", value: encodeJson(now) })
      yield* call(() => db.batch(ops))
      return { entries: live.size, bytes: total }
    })

  /** Counts bytes as they are added; runs a sweep when the cap or the interval is passed. */
  const account = (key: string, added: number) =>
    Effect.gen(function*() {
      const [bytesRaw, sweptRaw] = yield* call(() => db.getMany(["s!bytes", "s!swept"]))
      const bytes = (decodeJson<number>(bytesRaw) ?? 0) + added
      const swept = decodeJson<number>(sweptRaw) ?? 0
      if (bytes > maxBytes || Date.now() - swept > SWEEP_INTERVAL_MS) yield* sweep(key)
      else yield* call(() => db.batch([{ type: "put", key: "s!bytes", value: encodeJson(bytes) }]))
    })

  const touchOps = (key: string, meta: Meta, ttlMs: number): [Meta, Array<Op>] => {
    const now = Date.now()
    const next: Meta = { ...meta, storedAt: now, expiresAt: Math.max(meta.expiresAt, now + ttlMs) }
    return [next, [
      { type: "del", key: timeKey(meta.storedAt, key) },
      { type: "put", key: timeKey(next.storedAt, key), value: new Uint8Array(0) },
      { type: "put", key: `m!${key}`, value: encodeJson(next) }
    ]]
  }

  const entryOf = (key: string, meta: Meta): Entry => ({ key, size: meta.size, storedAt: meta.storedAt, expiresAt: meta.expiresAt })

  return {
    location,
    put: (bytes, ttlMs) =>
      Effect.gen(function*() {
        const digest = digestOf(bytes)
        const key = keyOfDigest(digest)
        const [existing] = yield* readMeta([key])
        if (existing && existing.expiresAt > Date.now()) {
          if (existing.digest !== digest) return yield* new KeyCollision({ key })
          const [meta, ops] = touchOps(key, existing, ttlMs)
          yield* call(() => db.batch(ops))
          return entryOf(key, meta)
        }
        const now = Date.now()
        const meta: Meta = { size: bytes.length, storedAt: now, expiresAt: now + ttlMs, digest }
        yield* call(() =>
          db.batch([
            ...(existing ? [{ type: "del" as const, key: timeKey(existing.storedAt, key) }] : []),
            { type: "put", key: `d!${key}`, value: bytes },
            { type: "put", key: `m!${key}`, value: encodeJson(meta) },
            { type: "put", key: timeKey(now, key), value: new Uint8Array(0) }
          ])
        )
        yield* account(key, bytes.length)
        return entryOf(key, meta)
      }),
    get: (key) =>
      Effect.gen(function*() {
        const [metaRaw, data] = yield* call(() => db.getMany([`m!${key}`, `d!${key}`]))
        const meta = decodeJson<Meta>(metaRaw)
        if (!meta || !data || meta.expiresAt <= Date.now()) return yield* new UnknownHash({ key })
        return data
      }),
    pin: (keys, ttlMs) =>
      Effect.gen(function*() {
        if (keys.length === 0) return []
        const metas = yield* readMeta(keys)
        const pinned: Array<string> = []
        const ops: Array<Op> = []
        keys.forEach((key, i) => {
          const meta = metas[i]
          if (meta && meta.expiresAt > Date.now()) {
            ops.push(...touchOps(key, meta, ttlMs)[1])
            pinned.push(key)
          }
        })
        if (ops.length > 0) yield* call(() => db.batch(ops))
        return pinned
      }),
    stats: () => sweep("").pipe(Effect.map((s) => ({ location, ...s }))),
    // Several processes may record in the same millisecond: a random suffix keeps their keys apart.
    record: (at, value) => call(() => db.batch([{ type: "put", key: ledgerKey(at, randomBytes(6).toString("hex")), value }])),
    records: (since) =>
      call(async () => {
        const out: Array<Uint8Array> = []
        for await (const [, v] of db.iterator({ gt: ledgerKey(since, ""), lt: "l~" })) out.push(v)
        return out
      }),
    close: Effect.promise(() => db.close().catch(() => undefined))
  }
}

/**
 * The LevelDB store under the configured `$HEADROOM_HOME`. It opens on first use — a command that
 * stores nothing never touches the disk — and closes when the layer's scope ends.
 */
export const layer: Layer.Layer<Store, never, Config> = Layer.effect(
  Store,
  Effect.gen(function*() {
    const settings = yield* Config
    let opened: (StoreShape & { readonly close: Effect.Effect<void> }) | undefined
    const ensure = yield* Effect.cached(
      open({ home: settings.home, maxBytes: settings.storeMaxBytes }).pipe(Effect.tap((s) => Effect.sync(() => (opened = s))))
    )
    yield* Effect.addFinalizer(() => opened ? opened.close : Effect.void)
    return {
      location: join(settings.home, "store"),
      put: (bytes, ttlMs) => Effect.flatMap(ensure, (s) => s.put(bytes, ttlMs)),
      get: (key) => Effect.flatMap(ensure, (s) => s.get(key)),
      pin: (keys, ttlMs) => Effect.flatMap(ensure, (s) => s.pin(keys, ttlMs)),
      stats: () => Effect.flatMap(ensure, (s) => s.stats()),
      record: (at, value) => Effect.flatMap(ensure, (s) => s.record(at, value)),
      records: (since) => Effect.flatMap(ensure, (s) => s.records(since))
    } satisfies StoreShape
  })
)
