/**
 * The subscription ledger: an append-only row whenever what a subscription is worth changes
 * (status, price, quantity, discount). Metrics replay it to recompute MRR on any past day
 * (docs/metrics.md). Written in the sync's transaction, under the subscription's row lock, and by
 * the backfill from Stripe for subscriptions the ledger has never seen.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { roundDiv } from '../../lib/money.js'
import { countHistoryOfSubscription, findLatestHistoryEntry, insertHistoryEntry } from './history-repo.js'
import type { SubscriptionHistoryRow, SubscriptionRow } from './table.js'

/** What a subscription is worth at one moment (the ledger row without its bookkeeping). */
export type SubscriptionWorth = Pick<
  SubscriptionHistoryRow,
  | 'status'
  | 'price_lookup_key'
  | 'currency'
  | 'amount'
  | 'interval'
  | 'interval_count'
  | 'discount_percent_bp'
  | 'discount_amount_off'
  | 'discount_ends_at'
>

const COMPARED: readonly (keyof SubscriptionWorth)[] = [
  'status',
  'price_lookup_key',
  'currency',
  'amount',
  'interval',
  'interval_count',
  'discount_percent_bp',
  'discount_amount_off',
  'discount_ends_at',
]

/** Reads the worth from a Stripe subscription (discounts expanded to their coupons, or ignored). */
export function worthOf(sub: Stripe.Subscription): SubscriptionWorth {
  const items = sub.items.data
  const recurring = items[0]?.price.recurring
  const amount = items.reduce((sum, item) => sum + (item.price.unit_amount ?? 0) * (item.quantity ?? 1), 0)
  return {
    status: sub.status,
    price_lookup_key: items[0]?.price.lookup_key ?? null,
    currency: sub.currency,
    amount,
    interval: (recurring?.interval ?? 'month') as SubscriptionWorth['interval'],
    interval_count: recurring?.interval_count ?? 1,
    ...recurringDiscount(sub),
  }
}

/**
 * What one interval of the subscription is charged at `at`: the price after its recurring discount,
 * which a `repeating` coupon gives only until its end. Percent off is rounded half up, in integers.
 */
export function discountedAmount(
  worth: Pick<
    SubscriptionWorth,
    'amount' | 'discount_percent_bp' | 'discount_amount_off' | 'discount_ends_at'
  >,
  at: string,
): number {
  const discountLive = worth.discount_ends_at === null || at < worth.discount_ends_at
  if (!discountLive) return worth.amount
  let amount = worth.amount
  if (worth.discount_percent_bp !== null) amount -= roundDiv(amount * worth.discount_percent_bp, 10_000)
  if (worth.discount_amount_off !== null) amount -= worth.discount_amount_off
  return Math.max(0, amount)
}

/**
 * What the subscription's next invoice charges, from its ledger row: at the renewal, or when the
 * trial ends. Undefined before the ledger has seen it (the backfill has not run yet).
 */
export async function upcomingCharge(
  db: Executor,
  sub: Pick<SubscriptionRow, 'stripe_subscription_id' | 'status' | 'trial_end' | 'current_period_end'>,
): Promise<{ amount: number; currency: string } | undefined> {
  const at = sub.status === 'trialing' ? sub.trial_end : sub.current_period_end
  if (!at) return undefined
  const latest = await findLatestHistoryEntry(db, sub.stripe_subscription_id)
  return latest ? { amount: discountedAmount(latest, at), currency: latest.currency } : undefined
}

/**
 * Only discounts that recur count toward MRR (Stripe's definition): `forever`, and `repeating`
 * until its end. A `once` coupon or an unexpanded discount counts as none.
 */
function recurringDiscount(
  sub: Stripe.Subscription,
): Pick<SubscriptionWorth, 'discount_percent_bp' | 'discount_amount_off' | 'discount_ends_at'> {
  const none = { discount_percent_bp: null, discount_amount_off: null, discount_ends_at: null }
  const discount = sub.discounts?.find((d): d is Stripe.Discount => typeof d !== 'string')
  const coupon = discount?.source?.coupon
  if (!discount || !coupon || typeof coupon === 'string' || coupon.duration === 'once') return none
  return {
    // percent_off may carry decimals (12.5): kept as integer basis points, never as a float.
    discount_percent_bp: coupon.percent_off != null ? Math.round(coupon.percent_off * 100) : null,
    discount_amount_off:
      coupon.amount_off != null && coupon.currency === sub.currency ? coupon.amount_off : null,
    discount_ends_at:
      coupon.duration === 'repeating' && discount.end ? new Date(discount.end * 1000).toISOString() : null,
  }
}

export type HistoryInput = {
  stripeSubscriptionId: string
  customerId: string
  worth: SubscriptionWorth
  /** When the change took effect; kept no earlier than the subscription's last row. */
  effectiveAt: Date
  now: Date
  source: SubscriptionHistoryRow['source']
}

/** Appends a row when the worth differs from the subscription's last one; true when it did. */
export async function recordSubscriptionWorth(trx: Executor, input: HistoryInput): Promise<boolean> {
  const last = await findLatestHistoryEntry(trx, input.stripeSubscriptionId)
  if (last && COMPARED.every((key) => last[key] === input.worth[key])) return false
  const at = input.effectiveAt.toISOString()
  await insertHistoryEntry(trx, {
    id: newId('shx', input.now.getTime()),
    stripe_subscription_id: input.stripeSubscriptionId,
    customer_id: input.customerId,
    effective_at: last && last.effective_at > at ? last.effective_at : at,
    ...input.worth,
    source: input.source,
    recorded_at: input.now.toISOString(),
  })
  return true
}

/** When a change seen now took effect: the start for a first sighting, the end for an ending. */
export function effectiveTimeOf(sub: Stripe.Subscription, firstSighting: boolean, now: Date): Date {
  if (sub.status === 'canceled' && sub.ended_at) return new Date(sub.ended_at * 1000)
  if (firstSighting) return new Date(sub.start_date * 1000)
  return now
}

export async function hasHistory(db: Executor, stripeSubscriptionId: string): Promise<boolean> {
  return (await countHistoryOfSubscription(db, stripeSubscriptionId)) > 0
}

/**
 * The ledger rows a subscription that predates the ledger most likely had, from what Stripe still
 * says: a trial from `trial_start`, paying from the trial's end (or the start), and its end. The
 * price is today's (earlier plan changes are not in Stripe's subscription object).
 */
export function backfillRowsOf(sub: Stripe.Subscription): { worth: SubscriptionWorth; at: Date }[] {
  const worth = worthOf(sub)
  const at = (seconds: number): Date => new Date(seconds * 1000)
  const rows: { worth: SubscriptionWorth; at: Date }[] = []
  if (sub.trial_start) rows.push({ worth: { ...worth, status: 'trialing' }, at: at(sub.trial_start) })
  const paidFrom = sub.trial_end ?? sub.start_date
  if (sub.status === 'canceled') {
    const endedAt = sub.ended_at ?? sub.canceled_at ?? paidFrom
    if (endedAt > paidFrom) rows.push({ worth: { ...worth, status: 'active' }, at: at(paidFrom) })
    rows.push({ worth, at: at(endedAt) })
  } else if (sub.status !== 'trialing') {
    rows.push({ worth, at: at(paidFrom) })
  }
  return rows
}
