/**
 * Stripe's list envelope and cursor pagination: `limit` 1–100 (default 10), `starting_after` /
 * `ending_before` (mutually exclusive), newest first, `has_more`, and the list's `url`.
 * @module
 */
import { invalidParam, invalidRequest } from './errors.js'
import { optInt, optString, type Params } from './params.js'

export type ListPage<T> = { object: 'list'; url: string; has_more: boolean; data: T[] }

/** The params every list endpoint accepts besides its own filters. */
export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before'] as const

export function paginate<T extends { id: string }>(items: T[], params: Params, url: string): ListPage<T> {
  const limit = optInt(params, 'limit') ?? 10
  if (limit < 1 || limit > 100) {
    throw invalidParam('limit', 'Invalid limit: must be between 1 and 100', 'parameter_invalid_integer')
  }
  const after = optString(params, 'starting_after')
  const before = optString(params, 'ending_before')
  if (after && before) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.')
  }
  if (after) {
    const i = cursorIndex(items, after, 'starting_after')
    const data = items.slice(i + 1, i + 1 + limit)
    return { object: 'list', url, has_more: i + 1 + limit < items.length, data }
  }
  if (before) {
    const i = cursorIndex(items, before, 'ending_before')
    const start = Math.max(0, i - limit)
    return { object: 'list', url, has_more: start > 0, data: items.slice(start, i) }
  }
  return { object: 'list', url, has_more: items.length > limit, data: items.slice(0, limit) }
}

function cursorIndex(items: { id: string }[], id: string, param: string): number {
  const i = items.findIndex((o) => o.id === id)
  if (i === -1) throw invalidRequest(`No such object: '${id}'`, 'resource_missing', param)
  return i
}
