/**
 * Switching plans within a family, from the account page. An upgrade (a longer interval, or more
 * per charge on the same interval) takes effect now: the price is swapped with
 * `always_invoice`, so the unused time is credited and the difference charged at once, and the
 * sync right after moves access to the new plan. A downgrade waits for the end of the paid
 * period: the subscription is set to end then, with the plan to continue on in its metadata, and
 * when it ends a new subscription on that plan starts on the same card (see switch-at-period-end.ts).
 * Refused before Stripe hears of it: another family, the same plan, a subscription that is not
 * live (canceled, incomplete, unpaid, paused).
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import type { BillingInterval } from '../../lib/stripe-currencies.js'
import type { CatalogPrice, Recurring } from '../catalog/index.js'
import { findPrice, resolveStripePriceId } from '../catalog/index.js'
import { asAppError } from '../checkout/index.js'
import { familyOf, SWITCH_METADATA_KEY } from './subscribe.js'
import type { SubscriptionRow } from './table.js'

export type ChangeKind = 'upgrade' | 'downgrade'

export type PlanChangePreview = {
  kind: ChangeKind
  from: CatalogPrice
  to: CatalogPrice
  currency: string
  /** Charged when the member confirms (0 for a downgrade or during a trial). */
  dueNow: number
  nextAmount: number
  /** ISO date of the next regular charge on the new plan. */
  nextDate: string
}

const SWITCHABLE = new Set(['active', 'trialing', 'past_due'])
/**
 * Each interval's length in 1/4800ths of a day, whole numbers in which a month is exactly a twelfth
 * of a Gregorian year (365.2425 days): twelve monthly periods are as long as a yearly one.
 */
const LENGTH: Record<BillingInterval, number> = { day: 4800, week: 33_600, month: 146_097, year: 1_753_164 }

function periodLength(price: CatalogPrice): number {
  const r = price.recurring
  return r ? LENGTH[r.interval] * r.intervalCount : 0
}

export function changeKind(from: CatalogPrice, to: CatalogPrice): ChangeKind {
  const [a, b] = [periodLength(from), periodLength(to)]
  if (b !== a) return b > a ? 'upgrade' : 'downgrade'
  return to.unitAmount > from.unitAmount ? 'upgrade' : 'downgrade'
}

/** The other plans of the subscription's family, for the account page. */
export function listSwitchTargets(deps: Deps, sub: SubscriptionRow): CatalogPrice[] {
  const from = sub.price_lookup_key ? findPrice(deps.catalog, sub.price_lookup_key) : undefined
  if (!from || !SWITCHABLE.has(sub.status)) return []
  return deps.catalog.prices.filter(
    (p) =>
      p.recurring &&
      p.lookupKey !== from.lookupKey &&
      familyOf(p) === familyOf(from) &&
      p.currency === from.currency,
  )
}

/** Checks the switch and prices it: what is due now and what the next invoice will be. */
export function previewPlanChange(deps: Deps, sub: SubscriptionRow, toLookupKey: string): PlanChangePreview {
  const from = sub.price_lookup_key ? findPrice(deps.catalog, sub.price_lookup_key) : undefined
  const to = findPrice(deps.catalog, toLookupKey)
  if (!SWITCHABLE.has(sub.status) || !from) throw new AppError('PLAN_CHANGE_NOT_ALLOWED')
  if (!to) throw new AppError('PRICE_NOT_FOUND', { details: { price: toLookupKey } })
  if (!to.recurring || familyOf(to) !== familyOf(from) || to.currency !== from.currency) {
    throw new AppError('PLAN_NOT_IN_FAMILY', { details: { price: toLookupKey } })
  }
  if (to.lookupKey === from.lookupKey) throw new AppError('PLAN_UNCHANGED')
  const kind = changeKind(from, to)
  const now = deps.clock.now().getTime()
  const start = Date.parse(sub.current_period_start ?? '') || now
  const end = Date.parse(sub.current_period_end ?? '') || now
  const base = { kind, from, to, currency: to.currency, nextAmount: to.unitAmount }
  if (kind === 'downgrade' || sub.status === 'trialing') {
    return { ...base, dueNow: 0, nextDate: sub.trial_end ?? sub.current_period_end ?? '' }
  }
  const credit = prorate(from.unitAmount, end - now, end - start)
  if (periodLength(to) !== periodLength(from) && to.recurring) {
    // A new interval starts a new period now, charged in full less the unused time.
    return { ...base, dueNow: Math.max(0, to.unitAmount - credit), nextDate: addPeriod(now, to.recurring) }
  }
  const remaining = prorate(to.unitAmount, end - now, end - start)
  return { ...base, dueNow: Math.max(0, remaining - credit), nextDate: sub.current_period_end ?? '' }
}

/** Applies a previewed switch in Stripe. The caller syncs the subscription afterwards. */
export async function applyPlanChange(
  deps: Deps,
  sub: SubscriptionRow,
  preview: PlanChangePreview,
): Promise<void> {
  const id = sub.stripe_subscription_id
  try {
    if (preview.kind === 'downgrade') {
      await deps.stripe.subscriptions.update(id, {
        cancel_at_period_end: true,
        metadata: { [SWITCH_METADATA_KEY]: preview.to.lookupKey },
      })
      return
    }
    const current = await deps.stripe.subscriptions.retrieve(id)
    const item = current.items.data[0]
    if (!item) throw new AppError('PLAN_CHANGE_NOT_ALLOWED')
    const params: Stripe.SubscriptionUpdateParams = {
      items: [{ id: item.id, price: await resolveStripePriceId(deps, preview.to.lookupKey) }],
      proration_behavior: 'always_invoice',
      metadata: { tollgate_price: preview.to.lookupKey, [SWITCH_METADATA_KEY]: '' },
      // An upgrade replaces any downgrade that was waiting.
      ...(current.cancel_at_period_end && current.metadata?.[SWITCH_METADATA_KEY]
        ? { cancel_at_period_end: false }
        : {}),
    }
    await deps.stripe.subscriptions.update(id, params)
  } catch (err) {
    throw asAppError(err)
  }
}

/** Drops a downgrade that was waiting for the period end: the member stays on their plan. */
export async function keepCurrentPlan(deps: Deps, sub: SubscriptionRow): Promise<void> {
  if (!sub.scheduled_price_lookup_key) throw new AppError('PLAN_UNCHANGED')
  await deps.stripe.subscriptions
    .update(sub.stripe_subscription_id, {
      cancel_at_period_end: false,
      metadata: { [SWITCH_METADATA_KEY]: '' },
    })
    .catch((err) => {
      throw asAppError(err)
    })
}

/** Stripe's proration: the share of `amount` for `remaining` of `total`, rounded half up. */
function prorate(amount: number, remaining: number, total: number): number {
  if (total <= 0 || remaining <= 0) return 0
  if (remaining >= total) return amount
  return Number((BigInt(amount) * BigInt(remaining) * 2n + BigInt(total)) / (BigInt(total) * 2n))
}

/** `ms` moved on by one billing period by the calendar: the preview's estimate of the next charge. */
function addPeriod(ms: number, every: Recurring): string {
  const d = new Date(ms)
  const n = every.intervalCount
  if (every.interval === 'day') d.setUTCDate(d.getUTCDate() + n)
  else if (every.interval === 'week') d.setUTCDate(d.getUTCDate() + 7 * n)
  else if (every.interval === 'month') d.setUTCMonth(d.getUTCMonth() + n)
  else d.setUTCFullYear(d.getUTCFullYear() + n)
  return d.toISOString()
}
