/**
 * A subscription's life on its clock (a test clock, or the emulator-wide clock): first invoice,
 * trial_will_end three days before a trial ends, renewal at each period end (draft invoice, then
 * finalized and charged an hour later, by `collection.ts`), and cancellation at period end or at
 * `cancel_at`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { snapshotOf } from '../diff.js'
import { registerAction } from '../registry.js'
import { findObject } from '../state.js'
import {
  createInvoice,
  finalizeInvoice,
  type InvoiceLineInput,
  markUncollectible,
  type PayOutcome,
  payInvoice,
  paymentMethodFor,
  previewInvoice,
  recordFailure,
  voidInvoice,
} from './invoices.js'
import { clockOfSubscription, currentPeriodEnd, periodEnd, subHidden } from './model.js'
import { isMetered, meteredUsage } from './usage.js'

const HOUR = 3600
const DAY = 86_400
const THREE_DAYS = 3 * DAY

type Data = Record<string, unknown>

function sub(ctx: Ctx, data: Data): Stripe.Subscription | undefined {
  return findObject<Stripe.Subscription>(ctx.state, String(data.subscription), 'subscription')
}

/**
 * Emits customer.subscription.updated with `previous_attributes` for what `mutate` changed;
 * `beforeUpdated` runs after the change and before that event (for an event Stripe sends first).
 */
export function changeSubscription(
  ctx: Ctx,
  s: Stripe.Subscription,
  mutate: (s: Stripe.Subscription) => void,
  beforeUpdated?: (s: Stripe.Subscription) => void,
): void {
  const before = snapshotOf(s) as unknown as Record<string, unknown>
  mutate(s)
  beforeUpdated?.(s)
  const after = s as unknown as Record<string, unknown>
  const prev: Record<string, unknown> = {}
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) prev[key] = before[key] ?? null
  }
  if (Object.keys(prev).length > 0) ctx.emit('customer.subscription.updated', s, prev)
}

export function scheduleFor(
  ctx: Ctx,
  s: Stripe.Subscription,
  at: number,
  action: string,
  data: Data = {},
): void {
  ctx.schedule(at, clockOfSubscription(ctx, s), action, { subscription: s.id, ...data })
}

export function unscheduleAll(ctx: Ctx, subId: string, actions?: string[]): void {
  ctx.unschedule((job) => job.data.subscription === subId && (!actions || actions.includes(job.action)))
}

function trialWillEnd(ctx: Ctx, s: Stripe.Subscription): void {
  const hidden = subHidden(ctx, s.id)
  if (s.status !== 'trialing' || s.trial_end === null || hidden.trialWillEndFor === s.trial_end) return
  hidden.trialWillEndFor = s.trial_end
  ctx.emit('customer.subscription.trial_will_end', s)
}

/** Jobs for the current period: trial_will_end, the period-end renewal and a scheduled cancel_at. */
export function scheduleCycle(ctx: Ctx, s: Stripe.Subscription): void {
  unscheduleAll(ctx, s.id, [
    'billing.renew',
    'billing.trial_will_end',
    'billing.cancel_at',
    'billing.upcoming',
  ])
  const now = ctx.now(clockOfSubscription(ctx, s))
  if (s.status === 'trialing' && s.trial_end) {
    // With three days or less left Stripe sends it at once (the CLI's trigger relies on that).
    if (s.trial_end - THREE_DAYS <= now) trialWillEnd(ctx, s)
    else scheduleFor(ctx, s, s.trial_end - THREE_DAYS, 'billing.trial_will_end', { trialEnd: s.trial_end })
  }
  scheduleFor(ctx, s, currentPeriodEnd(s), 'billing.renew', { periodEnd: currentPeriodEnd(s) })
  const upcomingAt = currentPeriodEnd(s) - ctx.options.upcomingInvoiceDays * DAY
  if (renewsAt(s, currentPeriodEnd(s)) && upcomingAt > now) {
    scheduleFor(ctx, s, upcomingAt, 'billing.upcoming', { periodEnd: currentPeriodEnd(s) })
  }
  if (s.cancel_at !== null && s.cancel_at < currentPeriodEnd(s)) {
    scheduleFor(ctx, s, Math.max(now, s.cancel_at), 'billing.cancel_at', { at: s.cancel_at })
  }
}

/**
 * The lines a subscription bills for `[start, end)`: licensed items in advance, metered items in
 * arrears (the usage of the item's current period, which ends where this one starts).
 */
export function planLines(ctx: Ctx, s: Stripe.Subscription, start: number, end: number): InvoiceLineInput[] {
  return s.items.data.map((item) => {
    if (!isMetered(item.price)) return licensedLine(item, start, end)
    const usage = meteredUsage(ctx, s, item)
    return {
      amount: usage.amount,
      description: `${usage.quantity} × ${item.price.nickname ?? 'Usage'} (at ${item.price.unit_amount ?? 0} ${item.price.currency} / unit)`,
      price: item.price,
      quantity: usage.quantity,
      period: { start: item.current_period_start, end: item.current_period_end },
      subscriptionItem: item.id,
    }
  })
}

function licensedLine(item: Stripe.SubscriptionItem, start: number, end: number): InvoiceLineInput {
  return {
    amount: (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
    description: `${item.quantity ?? 1} × ${item.price.nickname ?? 'Subscription'} (at ${item.price.unit_amount ?? 0} ${item.price.currency} / ${item.price.recurring?.interval})`,
    price: item.price,
    quantity: item.quantity ?? 1,
    period: { start, end },
    subscriptionItem: item.id,
  }
}

/**
 * Pending proration lines, removed from the subscription as they go on an invoice. A line whose
 * invoice item a manual invoice already swept in is not billed twice.
 */
export function takePendingLines(ctx: Ctx, s: Stripe.Subscription): InvoiceLineInput[] {
  const lines = pendingLines(ctx, s)
  subHidden(ctx, s.id).pendingLines = []
  return lines
}

/** The pending proration lines, left in place (for a preview). */
export function pendingLines(ctx: Ctx, s: Stripe.Subscription): InvoiceLineInput[] {
  const lines = (subHidden(ctx, s.id).pendingLines ?? []).filter((l) => {
    if (!l.invoiceItem) return true
    const item = ctx.state.objects[l.invoiceItem] as unknown as Stripe.InvoiceItem | undefined
    return item !== undefined && item.invoice === null
  })
  return lines.map((l) => ({
    amount: l.amount,
    description: l.description,
    price: ctx.state.objects[l.price] as unknown as Stripe.Price,
    quantity: l.quantity,
    period: { start: l.start, end: l.end },
    subscriptionItem: l.item,
    proration: true,
    ...(l.invoiceItem ? { invoiceItem: l.invoiceItem } : {}),
  }))
}

/** Pays the first invoice of a new subscription; `created` is emitted before the invoice's events. */
export function startSubscription(ctx: Ctx, s: Stripe.Subscription, collect = true): Stripe.Invoice {
  const trialing = s.trial_end !== null
  if (trialing) s.status = 'trialing'
  ctx.emit('customer.subscription.created', s)
  const start = s.items.data[0]!.current_period_start
  const lines = planLines(ctx, s, start, currentPeriodEnd(s)).map((l) =>
    trialing ? { ...l, amount: 0, description: `Trial period for ${l.price.nickname ?? 'subscription'}` } : l,
  )
  const invoice = createInvoice(ctx, s, 'subscription_create', lines)
  // `payment_behavior=default_incomplete` finalizes the first invoice but leaves paying it to the caller.
  let outcome: PayOutcome = 'requires_action'
  if (collect || trialing) outcome = payInvoice(ctx, invoice, s)
  else finalizeInvoice(ctx, invoice)
  if (trialing) {
    scheduleCycle(ctx, s)
    return invoice
  }
  if (outcome === 'paid') {
    changeSubscription(ctx, s, (x) => {
      x.status = 'active'
    })
    scheduleCycle(ctx, s)
  } else {
    if (outcome === 'failed') recordFailure(ctx, invoice, null)
    // Stripe gives the customer 23 hours to complete the first payment.
    scheduleFor(ctx, s, ctx.now(clockOfSubscription(ctx, s)) + 23 * HOUR, 'billing.incomplete_expire')
  }
  return invoice
}

export function endSubscription(
  ctx: Ctx,
  s: Stripe.Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason,
): void {
  const now = ctx.now(clockOfSubscription(ctx, s))
  unscheduleAll(ctx, s.id)
  s.status = 'canceled'
  s.ended_at = now
  s.canceled_at ??= now
  s.cancellation_details = {
    ...s.cancellation_details,
    reason: s.cancellation_details?.reason ?? reason,
  } as Stripe.Subscription.CancellationDetails
  ctx.emit('customer.subscription.deleted', s)
  for (const hook of endHooks) hook(ctx, s, reason)
}

/** Runs after a subscription ended (its schedule, if any, ends with it). */
export type EndHook = (
  ctx: Ctx,
  s: Stripe.Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason,
) => void
const endHooks: EndHook[] = []
export function afterEnd(hook: EndHook): void {
  endHooks.push(hook)
}

/**
 * Runs at a period boundary before the renewal invoice is built (subscription schedules change
 * phase there, so the renewal bills the new phase's prices).
 */
export type RenewalHook = (ctx: Ctx, s: Stripe.Subscription, boundary: number) => void
const renewalHooks: RenewalHook[] = []
export function beforeRenewal(hook: RenewalHook): void {
  renewalHooks.push(hook)
}

function renew(ctx: Ctx, data: Data): void {
  const s = sub(ctx, data)
  if (!s || s.status === 'canceled' || s.status === 'incomplete_expired' || s.status === 'incomplete') return
  if (currentPeriodEnd(s) !== data.periodEnd) return // superseded by a plan change or trial change
  for (const hook of renewalHooks) hook(ctx, s, currentPeriodEnd(s))
  // A hook may have ended the subscription or reset its cycle (a month ↔ year phase).
  if (s.status === 'canceled' || currentPeriodEnd(s) !== data.periodEnd) return
  const now = ctx.now(clockOfSubscription(ctx, s))
  if (s.cancel_at_period_end || (s.cancel_at !== null && s.cancel_at <= now)) {
    endSubscription(ctx, s, 'cancellation_requested')
    return
  }
  if (endTrialWithoutPaymentMethod(ctx, s)) return
  const start = currentPeriodEnd(s)
  const anchor = s.billing_cycle_anchor
  const end = periodEnd(s.items.data[0]!.price, start, anchor)
  // Stripe's order: the draft invoice for the new period first, then the subscription update.
  const invoice = createInvoice(ctx, s, 'subscription_cycle', [
    ...planLines(ctx, s, start, end),
    ...takePendingLines(ctx, s),
  ])
  changeSubscription(ctx, s, (x) => {
    for (const item of x.items.data) {
      item.current_period_start = start
      item.current_period_end = periodEnd(item.price, start, anchor)
    }
    if (x.status === 'trialing') x.status = 'active'
  })
  scheduleCycle(ctx, s)
  if (s.status === 'unpaid') return // Stripe keeps invoicing an unpaid subscription but stops collecting
  if (pausedInvoice(ctx, s, invoice, now)) return
  scheduleFor(ctx, s, now + HOUR, 'billing.collect', { invoice: invoice.id })
}

/**
 * A trial ends with no card on the subscription or the customer: `trial_settings.end_behavior
 * .missing_payment_method` decides. `cancel` ends it; `pause` stops it with no invoice until
 * `resume`; `create_invoice` (the default) renews, and the invoice fails for want of a card.
 */
export function endTrialWithoutPaymentMethod(ctx: Ctx, s: Stripe.Subscription): boolean {
  if (s.status !== 'trialing' || paymentMethodFor(ctx, s) !== null) return false
  const behaviour = s.trial_settings?.end_behavior.missing_payment_method ?? 'create_invoice'
  if (behaviour === 'cancel') {
    endSubscription(ctx, s, 'cancellation_requested')
    return true
  }
  if (behaviour !== 'pause') return false
  unscheduleAll(ctx, s.id)
  changeSubscription(ctx, s, (x) => {
    x.status = 'paused'
  })
  ctx.emit('customer.subscription.paused', s)
  return true
}

/**
 * `pause_collection`: the renewal invoice is still created, then kept as a draft, voided or marked
 * uncollectible instead of charged. Past `resumes_at` the pause is lifted and collection resumes.
 */
function pausedInvoice(ctx: Ctx, s: Stripe.Subscription, invoice: Stripe.Invoice, now: number): boolean {
  const pause = s.pause_collection
  if (!pause) return false
  if (pause.resumes_at !== null && pause.resumes_at <= now) {
    changeSubscription(ctx, s, (x) => {
      x.pause_collection = null
    })
    return false
  }
  if (pause.behavior === 'keep_as_draft') return true
  finalizeInvoice(ctx, invoice)
  if (pause.behavior === 'void') voidInvoice(ctx, invoice)
  else markUncollectible(ctx, invoice)
  return true
}

/** Whether the subscription will invoice at `periodEnd` (not set to end there or before). */
function renewsAt(s: Stripe.Subscription, periodEnd: number): boolean {
  return !s.cancel_at_period_end && (s.cancel_at === null || s.cancel_at > periodEnd)
}

/**
 * `invoice.upcoming`, `upcomingInvoiceDays` before a renewal that will charge automatically: the
 * invoice the renewal would create, without an id. Skipped when the renewal is no longer due then.
 */
function upcoming(ctx: Ctx, data: Data): void {
  const s = sub(ctx, data)
  if (!s || !['active', 'trialing', 'past_due'].includes(s.status)) return
  const start = currentPeriodEnd(s)
  if (start !== data.periodEnd || !renewsAt(s, start)) return
  const end = periodEnd(s.items.data[0]!.price, start, s.billing_cycle_anchor)
  const preview = previewInvoice(ctx, s, [...planLines(ctx, s, start, end), ...pendingLines(ctx, s)])
  preview.next_payment_attempt = start + 3600
  ctx.emit('invoice.upcoming', preview)
}

registerAction('billing.renew', renew)
registerAction('billing.upcoming', upcoming)
registerAction('billing.trial_will_end', (ctx, data) => {
  const s = sub(ctx, data)
  if (s && s.trial_end === data.trialEnd) trialWillEnd(ctx, s)
})
registerAction('billing.cancel_at', (ctx, data) => {
  const s = sub(ctx, data)
  if (!s || s.status === 'canceled' || s.cancel_at !== data.at) return
  endSubscription(ctx, s, 'cancellation_requested')
})
registerAction('billing.incomplete_expire', (ctx, data) => {
  const s = sub(ctx, data)
  if (s?.status !== 'incomplete') return
  changeSubscription(ctx, s, (x) => {
    x.status = 'incomplete_expired'
    x.ended_at = ctx.now()
  })
  const invoice = s.latest_invoice
    ? findObject<Stripe.Invoice>(ctx.state, String(s.latest_invoice), 'invoice')
    : undefined
  if (invoice?.status === 'open') voidInvoice(ctx, invoice)
})
