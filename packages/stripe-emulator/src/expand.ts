/**
 * `expand[]` with dot paths up to four levels (`data.customer`, `latest_invoice.payment_intent`).
 * An id-valued field expands to the stored object with that id; a field that exists only when
 * expanded (`line_items`) comes from the includable registered for that object type.
 * @module
 */
import { readFileSync } from 'node:fs'
import type { Ctx } from './context.js'
import { invalidRequest } from './errors.js'
import type { Params } from './params.js'
import { findIncludable } from './registry.js'

type Json = Record<string, unknown>

/** Per object type, the fields the SDK's types give as an expandable id (`string | Stripe.Customer`). */
const EXPANDABLE = new Map(
  Object.entries(
    JSON.parse(readFileSync(new URL('./stripe-shapes.json', import.meta.url), 'utf8')) as Record<
      string,
      { expandable: string[] }
    >,
  ).map(([kind, shape]) => [kind, new Set(shape.expandable)]),
)

/**
 * Whether `field` of `obj` may be named in `expand[]`: an id field the SDK marks expandable, or
 * an object or list to walk into. A plain value (`currency`, `nickname`) cannot be expanded.
 */
function canExpand(obj: Json, field: string): boolean {
  const value = obj[field]
  if (value !== null && typeof value === 'object') return true
  const expandable = typeof obj.object === 'string' ? EXPANDABLE.get(obj.object) : undefined
  // Objects without a shape table entry (search results, sub-hashes) are not checked.
  return expandable ? expandable.has(field) : true
}

export function expandPaths(params: Params): string[] {
  const v = params.expand
  if (v === undefined || v === '') return []
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : []
  return list.filter((x): x is string => typeof x === 'string' && x !== '')
}

/** Returns a deep copy of `value` with every path expanded. */
export function applyExpand(ctx: Ctx, value: unknown, paths: string[], params: Params): unknown {
  const copy = JSON.parse(JSON.stringify(value ?? null)) as unknown
  for (const path of paths) {
    const segments = path.split('.')
    if (segments.length > 4) {
      throw invalidRequest(
        `You cannot expand more than 4 levels of a property. Property: ${path}`,
        undefined,
        'expand',
      )
    }
    expandAt(ctx, copy, segments, path, params)
  }
  return copy
}

function expandAt(ctx: Ctx, node: unknown, segments: string[], path: string, params: Params): void {
  if (node === null || typeof node !== 'object') return
  const obj = node as Json
  const [head, ...rest] = segments
  if (head === undefined) return
  if (obj.object === 'list' && head === 'data' && Array.isArray(obj.data)) {
    for (const item of obj.data) expandAt(ctx, item, rest, path, params)
    return
  }
  if (Array.isArray(node)) {
    for (const item of node) expandAt(ctx, item, segments, path, params)
    return
  }
  let value = obj[head]
  if (value === undefined) {
    const include = typeof obj.object === 'string' ? findIncludable(String(obj.object), head) : undefined
    if (!include) {
      throw invalidRequest(`This property cannot be expanded (${head}).`, undefined, 'expand')
    }
    value = JSON.parse(JSON.stringify(include(ctx, obj, params) ?? null))
    obj[head] = value
  } else if (!canExpand(obj, head)) {
    throw invalidRequest(`This property cannot be expanded (${head}).`, undefined, 'expand')
  } else if (typeof value === 'string') {
    const target = ctx.state.objects[value]
    if (target) obj[head] = value = JSON.parse(JSON.stringify(target))
  } else if (Array.isArray(value) && value.every((x) => typeof x === 'string')) {
    obj[head] = value = value.map((id: string) => {
      const target = ctx.state.objects[id]
      return target ? JSON.parse(JSON.stringify(target)) : id
    })
  }
  if (rest.length > 0) expandAt(ctx, value, rest, path, params)
}
