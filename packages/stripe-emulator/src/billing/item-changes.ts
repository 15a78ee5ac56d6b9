/**
 * Adding and removing subscription items (`/v1/subscription_items`), prorated like a price swap
 * (change-plan.ts): a new item charges its remaining time in the current period, a removed one
 * credits its unused time, each as `proration_behavior` says (`create_prorations` pending items,
 * `always_invoice` at once, `none` nothing). Each change is one `customer.subscription.updated`.
 * Items share the subscription's currency and billing interval, as Stripe requires.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { billProrations, type Proration } from './change-plan.js'
import type { InvoiceLineInput } from './invoices.js'
import { changeSubscription, scheduleCycle } from './lifecycle.js'
import { buildItem, clockOfSubscription, currentPeriodEnd, currentPeriodStart } from './model.js'
import { prorate } from './periods.js'
import { isMetered } from './usage.js'

function prorationFor(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  sign: 1 | -1,
): InvoiceLineInput[] {
  if (sub.status === 'trialing') return []
  const now = ctx.now(clockOfSubscription(ctx, sub))
  const start = currentPeriodStart(sub)
  const end = currentPeriodEnd(sub)
  if (isMetered(item.price)) return [] // usage is billed at period end, never prorated
  const full = (item.price.unit_amount ?? 0) * (item.quantity ?? 1)
  const name = item.price.nickname ?? item.price.id
  return [
    {
      amount: sign * prorate(full, end - now, end - start),
      description: `${sign > 0 ? 'Remaining' : 'Unused'} time on ${name}`,
      price: item.price,
      quantity: item.quantity ?? 1,
      period: { start: now, end },
      subscriptionItem: item.id,
      proration: true,
    },
  ]
}

export function addItem(
  ctx: Ctx,
  sub: Stripe.Subscription,
  input: {
    price: Stripe.Price
    quantity: number
    metadata: Record<string, string>
    taxRates?: Stripe.TaxRate[] | undefined
  },
  behaviour: Proration,
): Stripe.SubscriptionItem {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    throw invalidRequest(`The subscription ${sub.id} is ${sub.status} and cannot take new items.`)
  const first = sub.items.data[0]?.price.recurring
  const r = input.price.recurring
  if (!r) throw invalidParam('price', 'The price must be recurring to be added to a subscription.')
  if (input.price.currency !== sub.currency)
    throw invalidParam('price', 'The price currency must match the subscription currency.')
  if (first && (first.interval !== r.interval || first.interval_count !== r.interval_count))
    throw invalidParam(
      'price',
      'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
    )
  if (sub.items.data.some((i) => i.price.id === input.price.id))
    throw invalidParam('price', 'Cannot add multiple subscription items with the same price.')
  const item = buildItem(
    ctx,
    sub.id,
    { price: input.price, quantity: input.quantity, ...(input.taxRates ? { taxRates: input.taxRates } : {}) },
    currentPeriodStart(sub),
    currentPeriodEnd(sub),
  )
  item.metadata = input.metadata
  changeSubscription(ctx, sub, (s) => {
    s.items.data.push(item)
  })
  billProrations(ctx, sub, prorationFor(ctx, sub, item, 1), behaviour)
  scheduleCycle(ctx, sub)
  return item
}

export function removeItem(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  behaviour: Proration,
): void {
  if (sub.items.data.length <= 1)
    throw invalidRequest(
      'A subscription must have at least one active plan. To cancel a subscription, send a DELETE request to /v1/subscriptions/:id.',
    )
  const lines = prorationFor(ctx, sub, item, -1)
  changeSubscription(ctx, sub, (s) => {
    s.items.data = s.items.data.filter((i) => i.id !== item.id)
  })
  billProrations(ctx, sub, lines, behaviour)
  scheduleCycle(ctx, sub)
}
