/**
 * Every failure a person can cause, as a tagged value whose `message` is the one line the CLI
 * prints. Compressors never raise these into a pipeline (they fail open); commands report them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

export class InvalidJson extends Schema.TaggedError<InvalidJson>()("InvalidJson", {
  reason: Schema.String,
  line: Schema.Number,
  column: Schema.Number
}) {
  override get message() {
    return `invalid JSON at line ${this.line}, column ${this.column}: ${this.reason}`
  }
}

export class BinaryInput extends Schema.TaggedError<BinaryInput>()("BinaryInput", {
  expected: Schema.String
}) {
  override get message() {
    return `input is not UTF-8 text; expected ${this.expected}`
  }
}

export class NotAnImage extends Schema.TaggedError<NotAnImage>()("NotAnImage", {
  reason: Schema.String
}) {
  override get message() {
    return `input is not an image headroom reads (PNG, JPEG, WebP, GIF, TIFF): ${this.reason}`
  }
}

export class InvalidKey extends Schema.TaggedError<InvalidKey>()("InvalidKey", {
  value: Schema.String
}) {
  override get message() {
    return `not a headroom hash: ${JSON.stringify(this.value)} (expected 12 hex characters, as in hash=9f2c1ab3e4d5)`
  }
}

export class UnknownHash extends Schema.TaggedError<UnknownHash>()("UnknownHash", {
  key: Schema.String
}) {
  override get message() {
    return `no original stored under hash ${this.key}: it was never stored in this store, or its TTL ran out`
  }
}

export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  location: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot use the store at ${this.location}: ${this.reason}`
  }
}

export class KeyCollision extends Schema.TaggedError<KeyCollision>()("KeyCollision", {
  key: Schema.String
}) {
  override get message() {
    return `hash ${this.key} already holds different content (a SHA-256 prefix collision); nothing was stored`
  }
}

export class InvalidArgument extends Schema.TaggedError<InvalidArgument>()("InvalidArgument", {
  name: Schema.String,
  value: Schema.String,
  expected: Schema.String
}) {
  override get message() {
    return `${this.name}: expected ${this.expected}, got ${JSON.stringify(this.value)}`
  }
}

export class InvalidConfig extends Schema.TaggedError<InvalidConfig>()("InvalidConfig", {
  source: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `${this.source}: ${this.reason}`
  }
}

export class ModelUnavailable extends Schema.TaggedError<ModelUnavailable>()("ModelUnavailable", {
  location: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot load the kompress model at ${this.location}: ${this.reason}`
  }
}

export type StoreError = StoreUnavailable | KeyCollision

/** Errors a command reports as one line on stderr with exit code 1. */
export type UserError =
  | InvalidJson
  | BinaryInput
  | NotAnImage
  | InvalidKey
  | UnknownHash
  | StoreUnavailable
  | KeyCollision
  | InvalidArgument
  | InvalidConfig
  | ModelUnavailable

const USER_ERROR_TAGS = new Set([
  "InvalidJson",
  "BinaryInput",
  "NotAnImage",
  "InvalidKey",
  "UnknownHash",
  "StoreUnavailable",
  "KeyCollision",
  "InvalidArgument",
  "InvalidConfig",
  "ModelUnavailable"
])

export const isUserError = (u: unknown): u is UserError =>
  typeof u === "object" && u !== null && USER_ERROR_TAGS.has((u as { _tag?: string })._tag ?? "")
