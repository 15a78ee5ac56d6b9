/**
 * What the hosted Billing Portal can do to a customer's subscriptions, with the same events the
 * API path emits: cancel (at period end or at once, per the configuration), renew (undo a
 * scheduled cancel), switch price (with the configuration's proration behaviour) and replace the card.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { attachPaymentMethod } from '../resources/cards.js'
import { findObject, objectsOfKind } from '../state.js'
import { changePlan, type Proration } from './change-plan.js'
import { changeSubscription, endSubscription, scheduleCycle } from './lifecycle.js'
import { clockOfSubscription, currentPeriodEnd } from './model.js'

type Config = Stripe.BillingPortal.Configuration

const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused'])

export function portalSubscriptions(ctx: Ctx, customerId: string): Stripe.Subscription[] {
  return [...objectsOfKind<Stripe.Subscription>(ctx.state, 'subscription')].filter(
    (s) => s.customer === customerId && LIVE.has(String(s.status)),
  )
}

export type Feedback = { feedback: string | null; comment: string | null }

function cancellation(
  reason: 'cancellation_requested' | null,
  fb?: Feedback,
): Stripe.Subscription.CancellationDetails {
  return {
    comment: fb?.comment ?? null,
    feedback: fb?.feedback ?? null,
    feedback_option: null,
    reason,
  } as Stripe.Subscription.CancellationDetails
}

/** The reason the customer picked, kept only when the configuration collects reasons and offers it. */
export function readFeedback(
  config: Config,
  feedback: string | undefined,
  comment: string | undefined,
): Feedback {
  const reason = config.features.subscription_cancel.cancellation_reason
  if (!reason.enabled) return { feedback: null, comment: null }
  const offered = (reason.options as string[]).includes(feedback ?? '')
  return { feedback: offered ? (feedback ?? null) : null, comment: comment ? comment.slice(0, 500) : null }
}

export function cancelFromPortal(ctx: Ctx, sub: Stripe.Subscription, config: Config, fb?: Feedback): void {
  const now = ctx.now(clockOfSubscription(ctx, sub))
  if (config.features.subscription_cancel.mode === 'immediately') {
    sub.canceled_at = now
    sub.cancellation_details = cancellation('cancellation_requested', fb)
    endSubscription(ctx, sub, 'cancellation_requested')
    return
  }
  changeSubscription(ctx, sub, (s) => {
    s.cancel_at_period_end = true
    s.cancel_at = currentPeriodEnd(s)
    s.canceled_at = now
    s.cancellation_details = cancellation('cancellation_requested', fb)
  })
  scheduleCycle(ctx, sub)
}

export function renewFromPortal(ctx: Ctx, sub: Stripe.Subscription): void {
  changeSubscription(ctx, sub, (s) => {
    s.cancel_at_period_end = false
    s.cancel_at = null
    s.canceled_at = null
    s.cancellation_details = cancellation(null)
  })
  scheduleCycle(ctx, sub)
}

/** The prices the configuration offers, as `price → product`; empty when switching is off. */
export function switchablePrices(ctx: Ctx, config: Config): Stripe.Price[] {
  const update = config.features.subscription_update
  if (!update.enabled) return []
  const ids = (update.products ?? []).flatMap((p) => p.prices)
  return ids
    .map((id) => findObject<Stripe.Price>(ctx.state, id, 'price'))
    .filter((p): p is Stripe.Price => p?.active === true && p.type === 'recurring')
}

export function switchFromPortal(
  ctx: Ctx,
  sub: Stripe.Subscription,
  price: Stripe.Price,
  config: Config,
): void {
  const item = sub.items.data[0]
  if (!item || item.price.id === price.id) return
  const behaviour = config.features.subscription_update.proration_behavior as Proration
  changePlan(ctx, sub, { item, price, quantity: item.quantity ?? 1 }, behaviour)
}

/** Makes a new card the customer's default, and that of their subscriptions that name one. */
export function replaceCard(ctx: Ctx, customer: Stripe.Customer, pm: Stripe.PaymentMethod): void {
  attachPaymentMethod(ctx, pm, customer.id)
  const before = { invoice_settings: { ...customer.invoice_settings } }
  customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: pm.id }
  ctx.emit('customer.updated', customer, before)
  for (const sub of portalSubscriptions(ctx, customer.id)) {
    if (sub.default_payment_method === null) continue
    changeSubscription(ctx, sub, (s) => {
      s.default_payment_method = pm.id
    })
  }
}
