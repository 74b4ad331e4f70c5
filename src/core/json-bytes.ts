/**
 * Where values sit in the bytes of a JSON document, without parsing it: a request body is mostly
 * long strings, which are skipped with `indexOf` (native), so finding a value's byte range costs
 * little next to `JSON.parse`. The proxy uses it to write compressed texts into the client's own
 * bytes instead of serialising the whole body again. The input is assumed to be valid JSON (it was
 * parsed, or is checked by the caller); on anything else these return -1 or undefined, never throw.
 *
 * @since 0.4.0
 */

const QUOTE = 0x22
const BACKSLASH = 0x5c

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

export const skipSpace = (buf: Uint8Array, i: number): number => {
  while (isSpace(buf[i])) i++
  return i
}

/** The offset just after the string that opens at `i` (a quote), or -1. */
export const skipString = (buf: Buffer, i: number): number => {
  let from = i + 1
  for (;;) {
    const quote = buf.indexOf(QUOTE, from)
    if (quote < 0) return -1
    let slashes = 0
    while (buf[quote - 1 - slashes] === BACKSLASH) slashes++
    // An even number of backslashes escape each other, not the quote.
    if (slashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

/** The offset just after the value that starts at `i` (after any spaces), or -1. */
export const skipValue = (buf: Buffer, i: number): number => {
  i = skipSpace(buf, i)
  const c = buf[i]
  if (c === QUOTE) return skipString(buf, i)
  if (c === 0x7b || c === 0x5b) {
    let depth = 0
    while (i < buf.length) {
      const d = buf[i]!
      if (d === QUOTE) {
        i = skipString(buf, i)
        if (i < 0) return -1
        continue
      }
      if (d === 0x7b || d === 0x5b) depth++
      else if (d === 0x7d || d === 0x5d) {
        depth--
        if (depth === 0) return i + 1
      }
      i++
    }
    return -1
  }
  // A number, true, false or null: up to the next delimiter.
  const start = i
  while (i < buf.length && buf[i] !== 0x2c && buf[i] !== 0x7d && buf[i] !== 0x5d && !isSpace(buf[i])) i++
  return i > start ? i : -1
}

/** A key's text: read directly unless it has escapes. */
const keyText = (buf: Buffer, start: number, end: number): string => {
  const inner = buf.subarray(start + 1, end - 1)
  return inner.includes(BACKSLASH) ? JSON.parse(buf.toString("utf8", start, end)) as string : inner.toString("utf8")
}

/** The start of the value under `key` in the object at `i` (the last one, as `JSON.parse` keeps), or -1. */
export const memberOf = (buf: Buffer, i: number, key: string): number => {
  i = skipSpace(buf, i)
  if (buf[i] !== 0x7b) return -1
  let found = -1
  i = skipSpace(buf, i + 1)
  if (buf[i] === 0x7d) return -1
  for (;;) {
    if (buf[i] !== QUOTE) return -1
    const keyEnd = skipString(buf, i)
    if (keyEnd < 0) return -1
    const name = keyText(buf, i, keyEnd)
    i = skipSpace(buf, keyEnd)
    if (buf[i] !== 0x3a) return -1
    const value = skipSpace(buf, i + 1)
    if (name === key) found = value
    i = skipValue(buf, value)
    if (i < 0) return -1
    i = skipSpace(buf, i)
    if (buf[i] === 0x7d) return found
    if (buf[i] !== 0x2c) return -1
    i = skipSpace(buf, i + 1)
  }
}

/**
 * The starts of the values in a run of array elements, `from` up to `to` (a leading comma allowed:
 * the run may continue an array), or undefined when it is not one.
 */
export const elementStarts = (buf: Buffer, from: number, to: number): Array<number> | undefined => {
  const starts: Array<number> = []
  let i = skipSpace(buf, from)
  if (buf[i] === 0x2c) i = skipSpace(buf, i + 1)
  while (i < to) {
    starts.push(i)
    i = skipValue(buf, i)
    if (i < 0 || i > to) return undefined
    i = skipSpace(buf, i)
    if (i >= to) break
    if (buf[i] !== 0x2c) return undefined
    i = skipSpace(buf, i + 1)
  }
  return starts
}

/** The array at `i`: where each element starts and where its closing bracket is; undefined when no array is there. */
export const arrayAt = (buf: Buffer, i: number): { readonly starts: Array<number>; readonly close: number } | undefined => {
  i = skipSpace(buf, i)
  if (buf[i] !== 0x5b) return undefined
  const end = skipValue(buf, i)
  if (end < 0) return undefined
  const starts = elementStarts(buf, i + 1, end - 1)
  return starts && { starts, close: end - 1 }
}

/** The byte range of the value at `path` inside the value starting at `i`, or undefined. */
export const rangeOf = (buf: Buffer, i: number, path: ReadonlyArray<string | number>): readonly [number, number] | undefined => {
  for (const step of path) {
    if (typeof step === "string") {
      i = memberOf(buf, i, step)
    } else {
      const array = arrayAt(buf, i)
      i = array?.starts[step] ?? -1
    }
    if (i < 0) return undefined
  }
  const end = skipValue(buf, i)
  return end < 0 ? undefined : [i, end]
}
