/**
 * Fills the subscription ledger from Stripe for an account that had subscriptions before Tollgate
 * kept one (`tollgate metrics backfill`). Subscriptions already in the ledger are left alone, so a
 * second run adds nothing. Customers unknown to Tollgate are created from the Stripe customer's
 * email, as the sync does.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import {
  findCustomerForStripeId,
  findOrCreateCustomerByEmail,
  linkStripeCustomer,
} from '../customers/index.js'
import { backfillRowsOf, hasHistory, recordSubscriptionWorth } from './history.js'
import { idOf } from './snapshot.js'

/** Every subscription in the Stripe account, with its customer and discounts' coupons (no transaction open). */
export async function listStripeSubscriptions(deps: Deps): Promise<Stripe.Subscription[]> {
  const all: Stripe.Subscription[] = []
  for await (const sub of deps.stripe.subscriptions.list({
    status: 'all',
    limit: 100,
    expand: ['data.discounts.source.coupon', 'data.customer'],
  })) {
    all.push(sub)
  }
  return all
}

export type BackfillOutcome = 'added' | 'present' | 'no-customer'

/** Writes the rows of one subscription in the caller's transaction, unless it has history. */
export async function backfillSubscription(
  deps: Deps,
  trx: Executor,
  sub: Stripe.Subscription,
): Promise<BackfillOutcome> {
  const customerEmail = typeof sub.customer === 'object' && !sub.customer.deleted ? sub.customer.email : null
  if (await hasHistory(trx, sub.id)) return 'present'
  const stripeCustomerId = idOf(sub.customer) as string
  const now = deps.clock.now()
  let customer = await findCustomerForStripeId(trx, stripeCustomerId)
  if (!customer && customerEmail) {
    customer = await findOrCreateCustomerByEmail(trx, customerEmail, now)
    await linkStripeCustomer(trx, customer.id, stripeCustomerId)
  }
  if (!customer) return 'no-customer'
  for (const row of backfillRowsOf(sub)) {
    await recordSubscriptionWorth(trx, {
      stripeSubscriptionId: sub.id,
      customerId: customer.id,
      worth: row.worth,
      effectiveAt: row.at,
      now,
      source: 'backfill',
    })
  }
  return 'added'
}
