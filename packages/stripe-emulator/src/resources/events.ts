/**
 * Events: `GET /v1/events` (the last 30 days on the emulator clock; filters `type` with `*`
 * wildcards, `types[]`, `created`, `delivery_success`) and `GET /v1/events/:id`.
 * @module
 */
import type Stripe from 'stripe'
import { invalidRequest, noSuch } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, inRange, optBool, optRange, optString, optStringArray } from '../params.js'
import { route } from '../registry.js'
import { getObject, listObjects } from '../state.js'

const THIRTY_DAYS = 30 * 86_400

function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )
  return re.test(type)
}

route('get', '/v1/events/:id', (ctx, _params, path) => {
  const event = getObject<Stripe.Event>(ctx.state, 'event', path.id!)
  // Retrieval has the same 30-day window as the list.
  if (event.created < ctx.now(null) - THIRTY_DAYS) throw noSuch('event', event.id)
  return event
})
route('get', '/v1/events', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'created', 'delivery_success', 'type', 'types'])
  const type = optString(params, 'type')
  const types = optStringArray(params, 'types')
  if (type && types) throw invalidRequest('You may only specify one of these parameters: type, types.')
  const created = optRange(params, 'created')
  const delivered = optBool(params, 'delivery_success')
  const since = ctx.now(null) - THIRTY_DAYS
  const items = listObjects<Stripe.Event>(
    ctx.state,
    'event',
    (e) =>
      e.created >= since &&
      inRange(e.created, created) &&
      (!type || typeMatches(type, e.type)) &&
      (!types || types.includes(e.type)) &&
      (delivered === undefined || (e.pending_webhooks === 0) === delivered),
  )
  return paginate(items, params, '/v1/events')
})
