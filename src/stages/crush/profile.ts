/**
 * Column statistics of an array's items: each item is flattened into leaf fields (`a.b.c`, to a
 * bounded depth; a primitive item is the single field `""`), and each field gets its type counts,
 * numeric moments, string lengths and, while few, its distinct values. One pass over the leaves.
 *
 * @since 0.1.0
 */
import { type Json, isObject, numberOf, RawNumber } from "../../core/json.ts"

/** Nested objects are flattened this deep; deeper values are leaves. */
export const FLATTEN_DEPTH = 3
/** Distinct values tracked per field before it is judged high-cardinality. */
const DISTINCT_CAP = 64
/** Items that are arrays up to this long are profiled position by position, like table rows. */
const MAX_ROW_CELLS = 64
/** Strings longer than this are never categorical values. */
const CATEGORICAL_MAX_LENGTH = 120

export interface Field {
  readonly path: string
  /** The leaf's value in each item (undefined where absent). */
  readonly values: Array<Json | undefined>
  present: number
  numbers: number
  strings: number
  booleans: number
  nulls: number
  sum: number
  sumSq: number
  lengthSum: number
  lengthSumSq: number
  /** Value id per item: -1 absent, -2 not tracked (high cardinality). */
  readonly ids: Int32Array
  readonly distinct: Map<string, number>
  highCardinality: boolean
}

export interface Profile {
  readonly size: number
  readonly fields: Map<string, Field>
  /** Per item, the signature of its key set when items' key sets differ; else undefined. */
  readonly keySets: Array<string> | undefined
}

const valueKey = (v: Json): string | undefined => {
  if (typeof v === "string") return v.length <= CATEGORICAL_MAX_LENGTH ? `s${v}` : undefined
  if (typeof v === "number") return `n${v}`
  if (typeof v === "boolean") return v ? "t" : "f"
  if (v === null) return "z"
  if (v instanceof RawNumber) return `n${v.raw}`
  return undefined
}

const newField = (path: string, size: number): Field => ({
  path,
  values: new Array(size),
  present: 0,
  numbers: 0,
  strings: 0,
  booleans: 0,
  nulls: 0,
  sum: 0,
  sumSq: 0,
  lengthSum: 0,
  lengthSumSq: 0,
  ids: new Int32Array(size).fill(-1),
  distinct: new Map(),
  highCardinality: false
})

export const profile = (items: ReadonlyArray<Json>): Profile => {
  const size = items.length
  const fields = new Map<string, Field>()
  let firstKeySet: string | undefined
  let keySetsDiffer = false
  const keySets: Array<string> = new Array(size)

  const record = (path: string, v: Json, i: number) => {
    let f = fields.get(path)
    if (!f) fields.set(path, f = newField(path, size))
    f.values[i] = v
    f.present++
    const n = numberOf(v)
    if (n !== undefined) {
      f.numbers++
      f.sum += n
      f.sumSq += n * n
    } else if (typeof v === "string") {
      f.strings++
      f.lengthSum += v.length
      f.lengthSumSq += v.length * v.length
    } else if (typeof v === "boolean") f.booleans++
    else if (v === null) f.nulls++
    if (f.highCardinality) {
      f.ids[i] = -2
      return
    }
    const key = valueKey(v)
    if (key === undefined) {
      f.ids[i] = -2
      if (typeof v === "string") f.highCardinality = true
      return
    }
    let id = f.distinct.get(key)
    if (id === undefined) {
      if (f.distinct.size >= DISTINCT_CAP) {
        f.highCardinality = true
        f.ids[i] = -2
        return
      }
      f.distinct.set(key, id = f.distinct.size)
    }
    f.ids[i] = id
  }

  const walk = (v: Json, path: string, depth: number, i: number) => {
    if (isObject(v) && depth < FLATTEN_DEPTH) {
      for (const k in v) walk(v[k]!, path === "" ? k : `${path}.${k}`, depth + 1, i)
    } else if (depth === 0 && Array.isArray(v) && v.length <= MAX_ROW_CELLS) {
      // A row of a table given as arrays ([[id, name, status], …]): each position is a field.
      v.forEach((cell, c) => walk(cell, `[${c}]`, depth + 1, i))
    } else record(path, v, i)
  }

  for (let i = 0; i < size; i++) {
    const item = items[i]!
    walk(item, "", 0, i)
    const keySet = isObject(item) ? Object.keys(item).join("\u0000") : typeof item
    keySets[i] = keySet
    if (i === 0) firstKeySet = keySet
    else if (keySet !== firstKeySet) keySetsDiffer = true
  }
  return { size, fields, keySets: keySetsDiffer ? keySets : undefined }
}

export const mean = (f: Field): number => f.numbers > 0 ? f.sum / f.numbers : 0

export const stdDev = (f: Field): number => {
  if (f.numbers < 2) return 0
  const m = f.sum / f.numbers
  return Math.sqrt(Math.max(0, f.sumSq / f.numbers - m * m))
}

/** A field with few distinct values relative to the array's size: each value is a fact to show. */
export const isCategorical = (f: Field, size: number): boolean =>
  !f.highCardinality && f.distinct.size > 0 && f.distinct.size <= Math.max(6, Math.min(48, Math.round(1.5 * Math.sqrt(size))))
