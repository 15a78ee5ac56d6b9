/**
 * Subscription items through the API: list by subscription, retrieve, create (a new price on the
 * subscription), update (price, quantity, metadata; a price or quantity change prorates as a
 * subscription update does) and delete. Proration lives in billing/item-changes.ts and
 * billing/change-plan.ts.
 * @module
 */
import type Stripe from 'stripe'
import { changePlan, type Proration } from '../billing/change-plan.js'
import { addItem, removeItem } from '../billing/item-changes.js'
import { changeSubscription } from '../billing/lifecycle.js'
import { readTaxRates } from '../billing/tax.js'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  onlyDefault,
  optEnum,
  optInt,
  optString,
  type Params,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, listObjects } from '../state.js'
import { checkItemPrices } from './subscription-params.js'

const PRORATION = ['create_prorations', 'none', 'always_invoice'] as const
/** Stripe's default `payment_behavior` is the only one modelled. */
const isDefaultBehaviour = (v: unknown): boolean => v === 'allow_incomplete' || v === 'error_if_incomplete'

function itemWithSubscription(
  ctx: Ctx,
  id: string,
): { sub: Stripe.Subscription; item: Stripe.SubscriptionItem } {
  for (const sub of listObjects<Stripe.Subscription>(ctx.state, 'subscription')) {
    const item = sub.items.data.find((i) => i.id === id)
    if (item) return { sub, item }
  }
  throw invalidRequest(`No such subscription item: '${id}'`, 'resource_missing', 'id', 404)
}

function prorationOf(params: Params): Proration {
  return optEnum(params, 'proration_behavior', PRORATION) ?? 'create_prorations'
}

function quantityOf(params: Params, fallback: number): number {
  const q = optInt(params, 'quantity') ?? fallback
  if (q < 0) throw invalidParam('quantity', 'Invalid integer: quantity must be at least 0.')
  return q
}

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
route('get', '/v1/subscription_items/:id', (ctx, _p, path) => itemWithSubscription(ctx, path.id!).item)
route('post', '/v1/subscription_items', (ctx, params) => {
  allowOnly(params, [
    'subscription',
    'price',
    'plan',
    'quantity',
    'metadata',
    'proration_behavior',
    'payment_behavior',
    'tax_rates',
  ])
  onlyDefault(params, 'payment_behavior', isDefaultBehaviour)
  const sub = getObject<Stripe.Subscription>(
    ctx.state,
    'subscription',
    reqString(params, 'subscription'),
    'subscription',
  )
  const priceId = optString(params, 'price') ?? optString(params, 'plan')
  if (!priceId) throw invalidRequest('Missing required param: price.', 'parameter_missing', 'price')
  const price = getObject<Stripe.Price>(ctx.state, 'price', priceId, 'price')
  return addItem(
    ctx,
    sub,
    {
      price,
      quantity: quantityOf(params, 1),
      metadata: applyMetadata({}, params),
      taxRates: readTaxRates(ctx, params.tax_rates, 'tax_rates'),
    },
    prorationOf(params),
  )
})
route('post', '/v1/subscription_items/:id', (ctx, params, path) => {
  allowOnly(params, [
    'price',
    'plan',
    'quantity',
    'metadata',
    'proration_behavior',
    'payment_behavior',
    'tax_rates',
  ])
  onlyDefault(params, 'payment_behavior', isDefaultBehaviour)
  const { sub, item } = itemWithSubscription(ctx, path.id!)
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    throw invalidRequest(`The subscription ${sub.id} is ${sub.status}; its items cannot change.`)
  const priceId = optString(params, 'price') ?? optString(params, 'plan')
  const price = priceId ? getObject<Stripe.Price>(ctx.state, 'price', priceId, 'price') : item.price
  if (price.currency !== sub.currency)
    throw invalidParam('price', 'The price currency must match the subscription currency.')
  checkItemPrices(
    sub.items.data.map((i) => (i.id === item.id ? price : i.price)),
    'price',
  )
  const quantity = quantityOf(params, item.quantity ?? 1)
  const rates = readTaxRates(ctx, params.tax_rates, 'tax_rates')
  if (price.id !== item.price.id || quantity !== item.quantity)
    changePlan(ctx, sub, { item, price, quantity }, prorationOf(params))
  if (params.metadata !== undefined || rates !== undefined)
    changeSubscription(ctx, sub, (s) => {
      const it = s.items.data.find((i) => i.id === item.id)!
      it.metadata = applyMetadata(it.metadata, params)
      if (rates !== undefined) it.tax_rates = rates
    })
  return sub.items.data.find((i) => i.id === item.id)
})
route('delete', '/v1/subscription_items/:id', (ctx, params, path) => {
  allowOnly(params, ['proration_behavior', 'clear_usage', 'payment_behavior'])
  onlyDefault(params, 'payment_behavior', isDefaultBehaviour)
  // No usage is recorded on items (meters bill usage), so there is none to clear.
  onlyDefault(params, 'clear_usage', (v) => String(v).toLowerCase() === 'false')
  const { sub, item } = itemWithSubscription(ctx, path.id!)
  removeItem(ctx, sub, item, prorationOf(params))
  return { id: item.id, object: 'subscription_item', deleted: true }
})
