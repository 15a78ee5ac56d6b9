/**
 * Stripe's search query language, as the `/search` endpoints read it: clauses `field:'value'`
 * (exact, case-insensitive for strings), `field~'value'` (substring, 3+ characters), `field>n`,
 * `field<n`, `>=`, `<=` (numbers), `metadata['key']:'value'`, `-` before a clause to negate, `null`
 * as a value, joined by `AND` or by `OR` (not both in one query, as on Stripe). Each resource
 * says which fields it searches and how to read them from an object.
 * @module
 */
import { invalidParam } from './errors.js'

type Op = ':' | '~' | '>' | '<' | '>=' | '<='
type Clause = { field: string; key?: string; op: Op; value: string | number | null; negate: boolean }
export type Query = { join: 'AND' | 'OR'; clauses: Clause[] }

/** Reads one searchable field (or a metadata key) from an object. */
export type FieldReader = (obj: Record<string, unknown>, key?: string) => unknown

const CLAUSE =
  /^\s*(-?)([a-z][a-z0-9_.]*)(?:\[['"]([^'"\]]+)['"]\])?\s*(>=|<=|:|~|>|<)\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+)|(null))\s*/

function bad(message: string): Error {
  return invalidParam('query', message)
}

export function parseQuery(query: string, fields: Record<string, FieldReader>): Query {
  const clauses: Clause[] = []
  const joins = new Set<'AND' | 'OR'>()
  let rest = query.trim()
  if (rest === '') throw bad('The search query is empty.')
  while (rest.length > 0) {
    const m = CLAUSE.exec(rest)
    if (!m) throw bad(`We could not parse your search query near: ${rest.slice(0, 40)}`)
    const [whole, neg, field, key, op, single, double, num, nul] = m
    if (!fields[field!]) throw bad(`Field \`${field}\` is not supported for search on this resource.`)
    if (field === 'metadata' && key === undefined) throw bad("Search metadata with metadata['key'].")
    const value = nul
      ? null
      : num !== undefined
        ? Number(num)
        : (single ?? double ?? '').replace(/\\(.)/g, '$1')
    if (op === '~' && (typeof value !== 'string' || value.length < 3))
      throw bad('Substring search (~) needs a string of at least 3 characters.')
    clauses.push({
      field: field!,
      ...(key !== undefined ? { key } : {}),
      op: op as Op,
      value,
      negate: neg === '-',
    })
    rest = rest.slice(whole.length)
    const join = /^(AND|OR)\s+/i.exec(rest)
    if (join) {
      joins.add(join[1]!.toUpperCase() as 'AND' | 'OR')
      rest = rest.slice(join[0].length)
      if (rest.length === 0) throw bad('The search query ends with a dangling operator.')
    } else if (rest.length > 0) {
      throw bad(`We could not parse your search query near: ${rest.slice(0, 40)}`)
    }
  }
  if (joins.size > 1) throw bad('A search query cannot combine AND and OR.')
  if (clauses.length > 10) throw bad('A search query can have at most 10 clauses.')
  return { join: joins.has('OR') ? 'OR' : 'AND', clauses }
}

function matches(clause: Clause, actual: unknown): boolean {
  const { op, value } = clause
  if (value === null) return op === ':' && (actual === null || actual === undefined || actual === '')
  if (op === ':') {
    if (typeof actual === 'string' && typeof value === 'string')
      return actual.toLowerCase() === value.toLowerCase()
    if (typeof actual === 'boolean') return String(actual) === String(value)
    return actual !== null && actual !== undefined && String(actual) === String(value)
  }
  if (op === '~')
    return typeof actual === 'string' && actual.toLowerCase().includes(String(value).toLowerCase())
  const n = Number(actual)
  const v = Number(value)
  if (actual === null || actual === undefined || Number.isNaN(n) || Number.isNaN(v)) return false
  return op === '>' ? n > v : op === '<' ? n < v : op === '>=' ? n >= v : n <= v
}

export function matchesQuery(
  obj: Record<string, unknown>,
  query: Query,
  fields: Record<string, FieldReader>,
): boolean {
  const results = query.clauses.map((c) => {
    const hit = matches(c, fields[c.field]!(obj, c.key))
    return c.negate ? !hit : hit
  })
  return query.join === 'AND' ? results.every(Boolean) : results.some(Boolean)
}
