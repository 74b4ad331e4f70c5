/**
 * The standard services, assembled once for every face of headroom — the CLI, the library, and
 * the servers: the settings (flags > `HEADROOM_*` > `$HEADROOM_HOME/config.json` > defaults), the
 * store of originals (the shared LevelDB store, or memory for one process), and the token counter.
 *
 * @example
 * Effect.runPromise(compressBytes(bytes).pipe(Effect.provide(Runtime.layer({ ttl: "1d" }))))
 *
 * @since 0.2.0
 */
import { Layer } from "effect"
import * as Config from "./core/config.ts"
import type { InvalidConfig } from "./core/errors.ts"
import type { Store } from "./core/store.ts"
import * as Tokenizer from "./core/tokenizer.ts"
import * as LevelStore from "./store/level.ts"
import * as MemoryStore from "./store/memory.ts"

export type StoreKind = "level" | "memory"

export type Services = Config.Config | Store | Tokenizer.Tokenizer

/** Config, Store and Tokenizer, from the settings; LevelDB opens on first use. */
export const layer = (overrides: Config.Overrides = {}, store: StoreKind = "level"): Layer.Layer<Services, InvalidConfig> =>
  Layer.merge(store === "memory" ? MemoryStore.layer() : LevelStore.layer, Tokenizer.layer).pipe(
    Layer.provideMerge(Config.layer(overrides))
  )
