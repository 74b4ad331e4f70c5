/**
 * JSON that keeps every value exactly. `JSON.parse` turns `1.0` into `1` and
 * `12345678901234567890` into `12345678901234567000`; a compressor that showed those would say
 * something different from its input. Numbers whose text would not survive a round trip are
 * parsed as {@link RawNumber} and written back with their original text. Inputs without such
 * numbers (nearly all) are parsed once, natively.
 *
 * @since 0.1.0
 */
import { InvalidJson } from "./errors.ts"

/** A number whose source text differs from what JavaScript would print for it. */
export class RawNumber {
  constructor(readonly raw: string) {}
  get value(): number {
    return Number(this.raw)
  }
}

export type Json = null | boolean | number | string | RawNumber | Array<Json> | { [key: string]: Json }

export const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof RawNumber)

/**
 * Sets an own property, even one named `__proto__` (a plain assignment would change the
 * object's prototype instead, and the key would vanish from the output).
 */
export const setOwn = (target: { [key: string]: Json }, key: string, value: Json): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

export const numberOf = (v: Json | undefined): number | undefined =>
  typeof v === "number" ? v : v instanceof RawNumber ? v.value : undefined

/** Numbers in the text (outside strings) whose text JavaScript would print differently. */
const inexactNumbers = (text: string): Array<{ start: number; raw: string }> => {
  const found: Array<{ start: number; raw: string }> = []
  const length = text.length
  let i = 0
  while (i < length) {
    const c = text.charCodeAt(i)
    if (c === 34) {
      // Skip a string: find the closing quote that is not escaped by an odd run of backslashes.
      let j = text.indexOf('"', i + 1)
      for (;;) {
        if (j === -1) return found
        let backslashes = 0
        while (text.charCodeAt(j - 1 - backslashes) === 92) backslashes++
        if (backslashes % 2 === 0) break
        j = text.indexOf('"', j + 1)
      }
      i = j + 1
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i
      let plain = true // digits only: exact when short and without a leading zero
      i++
      for (; i < length; i++) {
        const d = text.charCodeAt(i)
        if (d >= 48 && d <= 57) continue
        if (d === 46 || d === 101 || d === 69 || d === 43 || d === 45) plain = false
        else break
      }
      if (!plain || c === 45 || i - start >= 16 || (c === 48 && i - start > 1)) {
        const raw = text.slice(start, i)
        if (String(Number(raw)) !== raw) found.push({ start, raw })
      }
    } else i++
  }
  return found
}

/** A prefix that occurs nowhere in `text`, so a placeholder built from it cannot collide. */
const uniquePrefix = (text: string, base: string): string => {
  let prefix = base
  while (text.includes(prefix) || text.includes(JSON.stringify(prefix).slice(1, -1))) prefix += "~"
  return prefix
}

export interface Document {
  readonly value: Json
  /** Whether the value holds a {@link RawNumber} (so writing it needs {@link stringify}). */
  readonly hasRaw: boolean
}

/**
 * Parses JSON, keeping inexact numbers as {@link RawNumber}; throws {@link InvalidJson} with a
 * line and column, or a RangeError for nesting deeper than the engine's stack.
 */
export const parse = (text: string, options: { readonly locate?: boolean } = {}): Document => {
  let value: Json
  try {
    value = JSON.parse(text) as Json
  } catch (e) {
    if (e instanceof RangeError) throw e // nesting deeper than the engine's stack: not a syntax error
    throw options.locate === false ? new InvalidJson({ reason: "not valid JSON", line: 0, column: 0 }) : locateError(text)
  }
  // One pass over the text (strings skipped with indexOf): cheaper than any regex pre-test.
  const inexact = inexactNumbers(text)
  if (inexact.length === 0) return { value, hasRaw: false }
  // Replace each inexact number by a placeholder string, then revive placeholders as RawNumber.
  const prefix = uniquePrefix(text, "\u0001hrn")
  let rewritten = ""
  let at = 0
  inexact.forEach(({ start, raw }, i) => {
    rewritten += text.slice(at, start) + JSON.stringify(`${prefix}${i}`)
    at = start + raw.length
  })
  rewritten += text.slice(at)
  const revived = JSON.parse(rewritten, (_key, v: unknown) =>
    typeof v === "string" && v.startsWith(prefix)
      ? new RawNumber(inexact[Number(v.slice(prefix.length))]!.raw)
      : v) as Json
  return { value: revived, hasRaw: true }
}

/** Minified JSON text; {@link RawNumber}s are written with their original text. */
export const stringify = (value: Json): string => {
  if (value instanceof RawNumber) return value.raw
  if (Array.isArray(value)) return `[${value.map(stringify).join(",")}]`
  if (isObject(value)) {
    const parts: Array<string> = []
    for (const key in value) {
      const v = value[key]
      if (v !== undefined) parts.push(`${JSON.stringify(key)}:${stringify(v)}`)
    }
    return `{${parts.join(",")}}`
  }
  return JSON.stringify(value)
}

/** {@link stringify} without the cost of a replacer when the value is known to hold no RawNumber. */
export const write = (value: Json, hasRaw: boolean): string => hasRaw ? stringify(value) : JSON.stringify(value)

// ---- error location: a small validator run only after JSON.parse has failed ----

const describe = (text: string, i: number) =>
  i >= text.length ? "unexpected end of input" : `unexpected ${JSON.stringify(text[i])}`

const locateError = (text: string): InvalidJson => {
  let i = 0
  const fail = (reason: string, at: number = i): never => {
    throw { at, reason }
  }
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++
  }
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length
    else fail(`invalid literal; expected ${word}`)
  }
  const string = () => {
    i++
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 34) return void i++
      if (c === 92) {
        const e = text[i + 1]
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("invalid \\u escape in a string")
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else fail("invalid escape in a string")
      } else if (c < 32) fail("control character inside a string (it must be escaped)")
      else i++
    }
    fail("unterminated string")
  }
  const number = () => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 400))
    if (!m || m[0] === "-") fail("invalid number")
    i += m![0].length
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === "{") {
      i++
      ws()
      if (text[i] === "}") return void i++
      for (;;) {
        ws()
        if (text[i] !== '"') fail(`${describe(text, i)}; expected a property name in double quotes`)
        string()
        ws()
        if (text[i] !== ":") fail(`${describe(text, i)}; expected ':' after a property name`)
        i++
        value()
        ws()
        if (text[i] === ",") i++
        else if (text[i] === "}") return void i++
        else fail(`${describe(text, i)}; expected ',' or '}'`)
      }
    } else if (c === "[") {
      i++
      ws()
      if (text[i] === "]") return void i++
      for (;;) {
        value()
        ws()
        if (text[i] === ",") i++
        else if (text[i] === "]") return void i++
        else fail(`${describe(text, i)}; expected ',' or ']'`)
      }
    } else if (c === '"') string()
    else if (c === "t") literal("true")
    else if (c === "f") literal("false")
    else if (c === "n") literal("null")
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number()
    else fail(text.trim() === "" ? "empty input" : describe(text, i))
  }
  let at = text.length
  let reason = "not valid JSON"
  try {
    value()
    ws()
    if (i < text.length) fail(`${describe(text, i)} after the end of the JSON value`)
  } catch (e) {
    if (e instanceof RangeError) return new InvalidJson({ reason: "nested too deeply", line: 1, column: 1 })
    ;({ at, reason } = e as { at: number; reason: string })
  }
  const before = text.slice(0, at)
  const line = before.split("\n").length
  const column = at - before.lastIndexOf("\n")
  return new InvalidJson({ reason, line, column })
}
