/**
 * The Effect API: every stage as an Effect and as a stream stage, the services they need and
 * the layers that provide them. `import * as Headroom from "headroom/effect"`.
 *
 * @example
 * import { Effect, Layer, Stream } from "effect"
 * import { Config, LevelStore, crush, fromText } from "headroom/effect"
 * const program = fromText(json).pipe(crush({ query: "timeout" }), Stream.runCollect)
 * Effect.runPromise(program.pipe(Effect.provide(LevelStore.layer.pipe(Layer.provideMerge(Config.layer())))))
 *
 * @since 0.1.0
 */
export * as Bm25 from "./core/bm25.ts"
export * as Config from "./core/config.ts"
export * from "./core/content.ts"
export * from "./core/errors.ts"
export { digestOf, isKey, KEY_LENGTH, keyOf } from "./core/hash.ts"
export * as Json from "./core/json.ts"
export * as Marker from "./core/marker.ts"
export { type Entry, Store, type StoreShape, type StoreStats } from "./core/store.ts"
export * as Tokenizer from "./core/tokenizer.ts"
export { type Match, retrieve, type RetrieveOptions, type Retrieved } from "./stages/ccr-get.ts"
export { ccrPut, ccrPutBytes, type Stored } from "./stages/ccr-put.ts"
export { compress, compressBytes, type CompressOptions, compressStage } from "./stages/compress.ts"
export { STAGES, stageFor } from "./stages/registry.ts"
export { type AnyStage, type CommonOptions, type OptionSpec, type Stage, stage } from "./stages/stage.ts"
export * as Runtime from "./runtime.ts"
export { compressConversation, compressMessages, compressRequest, type Outcome, type RequestOptions, type RequestStats, type StageStats } from "./pipeline/compress-request.ts"
export { Memo } from "./pipeline/memo.ts"
export { DEFAULT_RULES, type ToolKind, type ToolRule } from "./pipeline/rules.ts"
export { type Block, type Conversation, type Path, PROVIDERS, type Provider, type Replacement, valueAt, writeAt } from "./providers/conversation.ts"
export { MESSAGES_KEY, providerOf, providerOfMessages, readConversation } from "./providers/providers.ts"
export * as Query from "./core/query.ts"
export { closeNumbered, type Numbered, openNumbered } from "./stages/envelope.ts"
export { crush, crushBytes, type CrushOptions, crushStage } from "./stages/crush.ts"
export { crushText, type CrushResult } from "./stages/crush/crush-text.ts"
export { expandTables, TABLE_KEY } from "./stages/crush/table.ts"
export { code, codeBytes, type CodeOptions, codeStage } from "./stages/code.ts"
export { diff, diffBytes, type DiffOptions, diffStage } from "./stages/diff.ts"
export { failOpen } from "./stages/fail-open.ts"
export { htmlBytes, type HtmlOptions, html, htmlStage } from "./stages/html.ts"
export { collect, fromText, wholeInput } from "./stages/input.ts"
export { kompress, kompressBytes, type KompressOptions, kompressStage } from "./stages/kompress.ts"
export { collectEmitted, logs, logsBytes, type LogsOptions, logsStage } from "./stages/logs.ts"
export { search, searchBytes, type SearchOptions, searchStage } from "./stages/search.ts"
export { compressorFor, CONTENT_TYPES, detect, type Hints, route, routeBytes, type Route } from "./stages/route.ts"
export * as LevelStore from "./store/level.ts"
export * as MemoryStore from "./store/memory.ts"
