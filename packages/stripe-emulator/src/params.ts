/**
 * Decoding and reading request params as stripe-node sends them: form-encoded with bracketed,
 * indexed keys (`line_items[0][price]=…`), also the older non-indexed style (`items[][price]=…`),
 * with brackets raw or %-encoded; `''` means "unset". GET and DELETE carry them in the query.
 * @module
 */
import { invalidParam, missingParam, unknownParam, unsupportedParam } from './errors.js'

export type ParamValue = string | Params | ParamValue[]
export type Params = { [key: string]: ParamValue }

function keySegments(key: string): string[] {
  const open = key.indexOf('[')
  if (open === -1) return [key]
  const segments = [key.slice(0, open)]
  const re = /\[([^\]]*)\]/g
  for (let m = re.exec(key.slice(open)); m !== null; m = re.exec(key.slice(open))) segments.push(m[1] ?? '')
  return segments
}

type Node = Record<string, unknown>

function assign(root: Node, segments: string[], value: string): void {
  let node: Node = root
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!
    const next = segments[i + 1]!
    if (seg === '') continue // handled by the parent step below
    if (next === '') {
      // Non-indexed array element: `items[][price]` starts a new element once the key repeats.
      if (typeof node[seg] !== 'object' || node[seg] === null) node[seg] = {}
      const list = node[seg] as Node & { __append?: Node[] }
      list.__append ??= []
      const rest = segments.slice(i + 2)
      if (rest.length === 0) {
        list.__append.push({ __value: value } as Node)
        return
      }
      // As Rack (and so Stripe) does: a new element starts when the last one already holds this
      // key's whole remaining path, so `items[][price_data][currency]` and `…[unit_amount]` share one.
      const last = list.__append.at(-1)
      const target = last && !hasPath(last, rest) ? last : ({} as Node)
      if (target !== last) list.__append.push(target)
      assign(target, rest, value)
      return
    }
    if (typeof node[seg] !== 'object' || node[seg] === null) node[seg] = {}
    node = node[seg] as Node
  }
  node[segments.at(-1)!] = value
}

function hasPath(node: Node, path: string[]): boolean {
  let at: unknown = node
  for (const seg of path) {
    if (typeof at !== 'object' || at === null || !(seg in at)) return false
    at = (at as Node)[seg]
  }
  return true
}

function normalize(value: unknown): ParamValue {
  if (typeof value === 'string') return value
  const node = value as Node & { __append?: Node[] }
  if (node.__append) {
    const appended = node.__append.map((item) =>
      '__value' in item ? (item.__value as string) : normalize(item),
    )
    const indexed = Object.entries(node).filter(([k]) => k !== '__append')
    return [...indexed.map(([, v]) => normalize(v)), ...appended]
  }
  const keys = Object.keys(node)
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => normalize(node[k]))
  }
  const out: Params = {}
  for (const k of keys) out[k] = normalize(node[k])
  return out
}

/** Turns `a[b][0]=x&a[c]=` into `{ a: { b: ['x'], c: '' } }`. */
export function decodeParams(pairs: Iterable<[string, string]>): Params {
  const root: Node = {}
  for (const [rawKey, value] of pairs) {
    const key = rawKey
      .replaceAll('%5B', '[')
      .replaceAll('%5D', ']')
      .replaceAll('%5b', '[')
      .replaceAll('%5d', ']')
    assign(root, keySegments(key), value)
  }
  return normalize(root) as Params
}

/** Accepts a JSON object body (used by control endpoints and some clients) as params too. */
export function jsonToParams(value: unknown): ParamValue {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map(jsonToParams)
  if (typeof value === 'object') {
    const out: Params = {}
    for (const [k, v] of Object.entries(value)) out[k] = jsonToParams(v)
    return out
  }
  return String(value)
}

// ---- readers -------------------------------------------------------------------------------

/** Throws `parameter_unknown` for the first key not in `allowed` (`expand` is always allowed). */
export function allowOnly(params: Params, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(params)) {
    if (key === 'expand' && prefix === '') continue
    if (!allowed.includes(key)) throw unknownParam(prefix ? `${prefix}[${key}]` : key)
  }
}

export function has(params: Params, key: string): boolean {
  return params[key] !== undefined
}

export function optString(params: Params, key: string, name = key): string | undefined {
  const v = params[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw invalidParam(name, `Invalid string: ${name}`)
  return v
}

export function reqString(params: Params, key: string, name = key): string {
  const v = optString(params, key, name)
  if (v === undefined || v === '') throw missingParam(name)
  return v
}

/** `''` → null (unset); absent → undefined. */
export function nullableString(params: Params, key: string, name = key): string | null | undefined {
  const v = optString(params, key, name)
  return v === '' ? null : v
}

export function optInt(params: Params, key: string, name = key): number | undefined {
  const v = optString(params, key, name)
  if (v === undefined || v === '') return undefined
  if (!/^-?\d+$/.test(v)) throw invalidParam(name, `Invalid integer: ${v}`, 'parameter_invalid_integer')
  const n = Number(v)
  if (!Number.isSafeInteger(n)) throw invalidParam(name, `Invalid integer: ${v}`, 'parameter_invalid_integer')
  return n
}

export function reqInt(params: Params, key: string, name = key): number {
  const n = optInt(params, key, name)
  if (n === undefined) throw missingParam(name)
  return n
}

export function optBool(params: Params, key: string, name = key): boolean | undefined {
  const v = optString(params, key, name)
  if (v === undefined || v === '') return undefined
  // Stripe reads booleans case-insensitively: the Python SDK sends `True` / `False`.
  const lower = v.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  throw invalidParam(name, `Invalid boolean: ${v}`)
}

export function optObject(params: Params, key: string, name = key): Params | undefined {
  const v = params[key]
  if (v === undefined || v === '') return undefined
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam(name, `Invalid object: ${name}`)
  return v
}

export function optArray(params: Params, key: string, name = key): ParamValue[] | undefined {
  const v = params[key]
  if (v === undefined || v === '') return undefined
  if (Array.isArray(v)) return v
  // A single indexed entry like `x[0][a]` decodes to an array already; an object with keys is a misuse.
  throw invalidParam(name, `Invalid array: ${name}`)
}

export function optStringArray(params: Params, key: string, name = key): string[] | undefined {
  const v = params[key]
  if (v === undefined || v === '') return undefined
  if (typeof v === 'string') return [v]
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalidParam(name, `Invalid array: ${name}`)
  return v as string[]
}

export function optEnum<T extends string>(
  params: Params,
  key: string,
  values: readonly T[],
  name = key,
): T | undefined {
  const v = optString(params, key, name)
  if (v === undefined || v === '') return undefined
  if (!values.includes(v as T)) {
    throw invalidParam(name, `Invalid ${name}: must be one of ${values.join(', ')}`)
  }
  return v as T
}

/** Unix seconds; Stripe also accepts `now` in a few places, which callers handle before this. */
export function optTimestamp(params: Params, key: string, name = key): number | undefined {
  return optInt(params, key, name)
}

/** Stripe's metadata limits: keys per object, characters per key and per value. */
const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const

/**
 * Applies metadata params to an existing map as Stripe does: `metadata=` clears all,
 * `metadata[k]=` removes one key, other values set, within Stripe's limits (50 keys, keys of
 * up to 40 characters without square brackets, values of up to 500).
 */
export function applyMetadata(
  current: Record<string, string>,
  params: Params,
  key = 'metadata',
): Record<string, string> {
  const v = params[key]
  if (v === undefined) return current
  if (v === '') return {}
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam(key, 'Invalid metadata')
  const next = { ...current }
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') throw invalidParam(`${key}[${k}]`, 'Metadata values must be strings')
    if (value === '') {
      delete next[k]
      continue
    }
    if (/[[\]]/.test(k)) throw invalidParam(key, `Metadata keys can't contain square brackets ([ or ]): ${k}`)
    if (k.length > METADATA_LIMITS.keyLength)
      throw invalidParam(
        key,
        `Metadata keys can have at most ${METADATA_LIMITS.keyLength} characters, but you passed in a key that is ${k.length} characters: ${k}`,
      )
    if (value.length > METADATA_LIMITS.valueLength)
      throw invalidParam(
        key,
        `Metadata values can have up to ${METADATA_LIMITS.valueLength} characters, but you passed in a value that is ${value.length} characters (key ${k}).`,
      )
    next[k] = value
  }
  const count = Object.keys(next).length
  if (count > METADATA_LIMITS.keys)
    throw invalidParam(
      key,
      `You can have at most ${METADATA_LIMITS.keys} metadata keys (this object would have ${count}).`,
    )
  return next
}

/** `created[gte]=…` style filters, or an exact `created=…`. */
export type RangeFilter = { gt?: number; gte?: number; lt?: number; lte?: number; eq?: number }

export function optRange(params: Params, key: string): RangeFilter | undefined {
  const v = params[key]
  if (v === undefined || v === '') return undefined
  if (typeof v === 'string') return { eq: reqInt(params, key) }
  if (Array.isArray(v)) throw invalidParam(key, `Invalid ${key}`)
  allowOnly(v, ['gt', 'gte', 'lt', 'lte'], key)
  const out: RangeFilter = {}
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const n = optInt(v, op, `${key}[${op}]`)
    if (n !== undefined) out[op] = n
  }
  return out
}

export function inRange(value: number, range: RangeFilter | undefined): boolean {
  if (!range) return true
  if (range.eq !== undefined && value !== range.eq) return false
  if (range.gt !== undefined && !(value > range.gt)) return false
  if (range.gte !== undefined && !(value >= range.gte)) return false
  if (range.lt !== undefined && !(value < range.lt)) return false
  if (range.lte !== undefined && !(value <= range.lte)) return false
  return true
}

/**
 * A parameter the emulator models only at Stripe's default: absent, `''` or a value `isDefault`
 * accepts passes; anything else is refused as unsupported, naming it.
 */
export function onlyDefault(
  params: Params,
  key: string,
  isDefault: (value: ParamValue) => boolean,
  name = key,
): void {
  const v = params[key]
  if (v === undefined || v === '' || isDefault(v)) return
  throw unsupportedParam(name, 'with this value')
}

/** `{ enabled: false }` (or absent): the only `automatic_tax` the emulator models. */
export const taxDisabled = (v: ParamValue): boolean =>
  typeof v === 'object' && !Array.isArray(v) && String(v.enabled).toLowerCase() === 'false'
