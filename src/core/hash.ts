/**
 * Content addressing for CCR: the key of an original is the first {@link KEY_LENGTH} hex
 * characters of the SHA-256 of its bytes. Same bytes, same key, in every process.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"

/** Hex characters in every CCR key (48 bits: a collision needs ~16 million stored originals). */
export const KEY_LENGTH = 12

const KEY_PATTERN = new RegExp(`^[0-9a-f]{${KEY_LENGTH}}$`)

export const isKey = (value: string): boolean => KEY_PATTERN.test(value)

/** The full SHA-256 of the bytes, as hex; stored beside each original to detect key collisions. */
export const digestOf = (bytes: Uint8Array | string): string =>
  createHash("sha256").update(bytes).digest("hex")

export const keyOfDigest = (digest: string): string => digest.slice(0, KEY_LENGTH)

/** @example keyOf("hello") // "2cf24dba5fb0" */
export const keyOf = (bytes: Uint8Array | string): string => keyOfDigest(digestOf(bytes))
