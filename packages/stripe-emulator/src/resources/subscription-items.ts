/**
 * Subscription items through the API: list by subscription, retrieve.
 * @module
 */
import type Stripe from 'stripe'
import { invalidRequest } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, reqString } from '../params.js'
import { route } from '../registry.js'
import { getObject, listObjects } from '../state.js'

route('get', '/v1/subscription_items', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'subscription'])
  const sub = getObject<Stripe.Subscription>(
    ctx.state,
    'subscription',
    reqString(params, 'subscription'),
    'subscription',
  )
  return paginate(sub.items.data, params, '/v1/subscription_items')
})
route('get', '/v1/subscription_items/:id', (ctx, _p, path) => {
  for (const sub of listObjects<Stripe.Subscription>(ctx.state, 'subscription')) {
    const item = sub.items.data.find((i) => i.id === path.id)
    if (item) return item
  }
  throw invalidRequest(`No such subscription item: '${path.id}'`, 'resource_missing', 'id', 404)
})
