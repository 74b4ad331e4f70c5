/**
 * A uniform array of objects written as a table: the column names once, the values of each
 * item as a row, and the columns that hold the same value in every item factored out:
 *
 *     {"headroom:table":{"columns":["id","level"],"constant":{"service":"api"},"rows":[[1,"INFO"],[2,"WARN"]]}}
 *
 * Nested objects with the same keys in every row become dotted columns (`user.login`). Rows keep
 * their order, and the strings between rows are the markers of items not shown.
 *
 * @since 0.1.0
 */
import { isObject, type Json, setOwn, write } from "../../core/json.ts"
import { FLATTEN_DEPTH } from "./profile.ts"

export const TABLE_KEY = "headroom:table"

type Obj = { [key: string]: Json }

const sameKeys = (objects: ReadonlyArray<Obj>): Array<string> | undefined => {
  const keys = Object.keys(objects[0]!)
  for (let i = 1; i < objects.length; i++) {
    const o = objects[i]!
    let count = 0
    for (const k in o) {
      if (!Object.hasOwn(objects[0]!, k)) return undefined
      count++
    }
    if (count !== keys.length) return undefined
  }
  return keys
}

/** Column paths: a nested object becomes sub-columns when every row has one with the same keys. */
const columnsOf = (objects: ReadonlyArray<Obj>, prefix: Array<string>, depth: number): Array<Array<string>> | undefined => {
  const keys = sameKeys(objects)
  if (keys === undefined) return undefined
  const columns: Array<Array<string>> = []
  for (const key of keys) {
    const path = [...prefix, key]
    const cells = objects.map((o) => o[key]!)
    const nested = depth + 1 < FLATTEN_DEPTH && !key.includes(".") && cells.every((c) => isObject(c) && Object.keys(c).length > 0)
      ? columnsOf(cells as Array<Obj>, path, depth + 1)
      : undefined
    if (nested && nested.every((p) => !p[p.length - 1]!.includes("."))) columns.push(...nested)
    else columns.push(path)
  }
  return columns
}

const cell = (o: Obj, path: ReadonlyArray<string>): Json => {
  let v: Json = o
  for (const segment of path) v = (v as Obj)[segment]!
  return v
}

/**
 * The table form of `rows` (objects, with marker strings between them), or undefined when the
 * objects do not share one key set. `isConstant(path)` says whether a column also holds a single
 * value in the items not shown; only such columns are factored out.
 */
export const toTable = (
  rows: ReadonlyArray<Json>,
  hasRaw: boolean,
  isConstant: (path: string) => boolean
): Json | undefined => {
  const objects = rows.filter(isObject)
  if (objects.length < 3) return undefined
  const columns = columnsOf(objects, [], 0)
  if (columns === undefined || columns.length === 0) return undefined
  const constant: Obj = {}
  const varying: Array<Array<string>> = []
  for (const path of columns) {
    const name = path.join(".")
    const first = write(cell(objects[0]!, path), hasRaw)
    if (isConstant(name) && objects.every((o) => write(cell(o, path), hasRaw) === first)) setOwn(constant, name, cell(objects[0]!, path))
    else varying.push(path)
  }
  const body: Obj = { columns: varying.map((p) => p.join(".")) }
  if (Object.keys(constant).length > 0) body.constant = constant
  body.rows = rows.map((r) => isObject(r) ? varying.map((p) => cell(r, p)) : r)
  return { [TABLE_KEY]: body }
}

/**
 * The inverse of {@link toTable} for reading: every table in a value back to an array of objects
 * (marker strings between rows stay where they are). Dotted column names become nested objects.
 */
export const expandTables = (value: Json): Json => {
  if (Array.isArray(value)) return value.map(expandTables)
  if (!isObject(value)) return value
  const body = value[TABLE_KEY]
  if (isObject(body) && Object.keys(value).length === 1 && Array.isArray(body.columns) && Array.isArray(body.rows)) {
    const columns = body.columns as Array<string>
    const constant = isObject(body.constant) ? body.constant : {}
    return body.rows.map((row) => {
      if (!Array.isArray(row)) return row
      const item: Obj = {}
      const assign = (path: string, v: Json) => {
        const segments = path.split(".")
        let target = item
        for (const s of segments.slice(0, -1)) {
          if (!Object.hasOwn(target, s)) setOwn(target, s, {})
          target = target[s] as Obj
        }
        setOwn(target, segments[segments.length - 1]!, expandTables(v))
      }
      columns.forEach((c, i) => assign(c, row[i]!))
      for (const [c, v] of Object.entries(constant)) assign(c, v)
      return item
    })
  }
  const out: Obj = {}
  for (const k in value) setOwn(out, k, expandTables(value[k]!))
  return out
}
