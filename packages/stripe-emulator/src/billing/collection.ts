/**
 * Collecting a subscription's invoice (an hour after a renewal, and on each dunning retry) and
 * what the answer does to the subscription: paid → active again; declined → the next retry on
 * `options.dunning.retryDays`, ending in cancellation or `unpaid`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { registerAction } from '../registry.js'
import { findObject } from '../state.js'
import { createInvoice, type PayOutcome, payInvoice, recordFailure } from './invoices.js'
import {
  changeSubscription,
  endSubscription,
  endTrialWithoutPaymentMethod,
  planLines,
  scheduleCycle,
  scheduleFor,
  takePendingLines,
  unscheduleAll,
} from './lifecycle.js'
import { clockOfSubscription, currentPeriodEnd, periodEnd, subHidden } from './model.js'
import { pendingResume, settleResumeInvoice } from './resume.js'

const DAY = 86_400

function collect(ctx: Ctx, data: Record<string, unknown>): void {
  const s = findObject<Stripe.Subscription>(ctx.state, String(data.subscription), 'subscription')
  const invoice = findObject<Stripe.Invoice>(ctx.state, String(data.invoice), 'invoice')
  if (!s || !invoice || invoice.status === 'paid' || invoice.status === 'void' || s.status === 'canceled')
    return
  settleInvoice(ctx, s, invoice)
}

/**
 * Charges an invoice and moves its subscription: paid → active (from incomplete, past_due or
 * unpaid); declined → the dunning schedule, or for a manual attempt (`/pay`) only
 * invoice.payment_failed, because manual attempts do not move Stripe's retry schedule.
 */
export function settleInvoice(
  ctx: Ctx,
  s: Stripe.Subscription,
  invoice: Stripe.Invoice,
  manual = false,
): PayOutcome {
  if (pendingResume(ctx, invoice) && s.status === 'paused')
    return settleResumeInvoice(ctx, s, invoice, manual)
  const outcome = payInvoice(ctx, invoice, s)
  if (outcome === 'paid') recovered(ctx, s)
  else if (outcome === 'requires_action')
    return outcome // not retried automatically, as on Stripe
  else if (s.status === 'incomplete' || manual) recordFailure(ctx, invoice, invoice.next_payment_attempt)
  else failed(ctx, s, invoice)
  return outcome
}

function recovered(ctx: Ctx, s: Stripe.Subscription): void {
  delete subHidden(ctx, s.id).firstFailureAt
  const wasIncomplete = s.status === 'incomplete'
  if (wasIncomplete || s.status === 'past_due' || s.status === 'unpaid') {
    changeSubscription(ctx, s, (x) => {
      x.status = 'active'
    })
  }
  if (wasIncomplete) {
    unscheduleAll(ctx, s.id, ['billing.incomplete_expire'])
    scheduleCycle(ctx, s)
  }
}

export function failed(ctx: Ctx, s: Stripe.Subscription, invoice: Stripe.Invoice): void {
  const now = ctx.now(clockOfSubscription(ctx, s))
  const hidden = subHidden(ctx, s.id)
  hidden.firstFailureAt ??= now
  const retryDays = ctx.options.dunning.retryDays
  const next = retryDays[invoice.attempt_count - 1]
  const nextAt = next === undefined ? null : hidden.firstFailureAt + next * DAY
  recordFailure(ctx, invoice, nextAt)
  if (s.status === 'active' || s.status === 'trialing') {
    changeSubscription(ctx, s, (x) => {
      x.status = 'past_due'
    })
  }
  if (nextAt !== null) {
    scheduleFor(ctx, s, nextAt, 'billing.collect', { invoice: invoice.id })
    return
  }
  delete hidden.firstFailureAt
  if (ctx.options.dunning.finalAction === 'unpaid') {
    changeSubscription(ctx, s, (x) => {
      x.status = 'unpaid'
    })
    return
  }
  endSubscription(ctx, s, 'payment_failed')
}

registerAction('billing.collect', collect)

/**
 * `trial_end=now`: the trial (if any) ends at once, a new period starts now, and it is invoiced and
 * charged within the request, as Stripe does, rather than through the hour-later renewal job. A
 * trial ending without a payment method first follows `trial_settings` (`pause`, `cancel`).
 */
export function endTrialNow(ctx: Ctx, s: Stripe.Subscription): void {
  if (endTrialWithoutPaymentMethod(ctx, s)) return
  const now = ctx.now(clockOfSubscription(ctx, s))
  unscheduleAll(ctx, s.id, ['billing.renew', 'billing.trial_will_end'])
  changeSubscription(ctx, s, (x) => {
    x.status = 'active'
    x.trial_end = now
    x.billing_cycle_anchor = now
    for (const item of x.items.data) {
      item.current_period_start = now
      item.current_period_end = periodEnd(item.price, now, now)
    }
  })
  const lines = [...planLines(ctx, s, now, currentPeriodEnd(s)), ...takePendingLines(ctx, s)]
  settleInvoice(ctx, s, createInvoice(ctx, s, 'subscription_update', lines))
  scheduleCycle(ctx, s)
}
