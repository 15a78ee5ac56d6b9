/**
 * `subscription.created|updated|canceled` for other apps, published from the sync's transaction
 * when the synced row changed in a way they care about (a re-sync that changes nothing sends
 * nothing). `canceled` is the end (status `canceled`); a cancellation scheduled for the period end
 * is an `updated` with `cancel_at_period_end: true`, as Stripe reports it.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import { callerMetadata } from '../checkout/index.js'
import { publishEvent } from '../outbound-webhooks/index.js'
import type { SubscriptionRow } from './table.js'

const WATCHED = [
  'status',
  'price_lookup_key',
  'current_period_end',
  'cancel_at_period_end',
  'cancel_at',
  'ended_at',
  'trial_end',
] as const satisfies readonly (keyof SubscriptionRow)[]

/** A subscription as other apps see it (the data of its events). */
export function subscriptionObject(row: SubscriptionRow, metadata: Record<string, string>) {
  return {
    id: row.id,
    object: 'subscription' as const,
    customer_id: row.customer_id,
    status: row.status,
    price: row.price_lookup_key,
    product_id: row.product_id,
    product_name: row.product_name,
    current_period_start: row.current_period_start,
    current_period_end: row.current_period_end,
    cancel_at_period_end: row.cancel_at_period_end === 1,
    cancel_at: row.cancel_at,
    canceled_at: row.canceled_at,
    ended_at: row.ended_at,
    trial_end: row.trial_end,
    metadata,
    stripe_subscription_id: row.stripe_subscription_id,
    created_at: row.created_at,
  }
}

export async function publishSubscriptionChange(
  trx: Executor,
  input: {
    previous?: SubscriptionRow
    current: SubscriptionRow
    subscription: Stripe.Subscription
    now: Date
  },
): Promise<void> {
  const { previous, current } = input
  const type = !previous
    ? 'subscription.created'
    : current.status === 'canceled' && previous.status !== 'canceled'
      ? 'subscription.canceled'
      : WATCHED.some((k) => previous[k] !== current[k])
        ? 'subscription.updated'
        : undefined
  if (!type) return
  const data = subscriptionObject(current, callerMetadata(input.subscription.metadata))
  await publishEvent(trx, { type, data, now: input.now })
}
