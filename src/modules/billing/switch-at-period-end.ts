/**
 * The second half of a downgrade (plan-change.ts): the old subscription ended at its period end
 * with a plan to continue on in its metadata, so a subscription on that plan starts now, on the
 * same Stripe customer and card, with no trial. Runs in the webhook handler, outside any
 * transaction; the idempotency key (one per ended subscription) makes a retried event create it once.
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../deps.js'
import { findPrice, resolveStripePriceId } from '../catalog/index.js'
import { listLiveSubscriptionsInFamily } from './repo.js'
import { idOf, type SubscriptionSnapshot } from './snapshot.js'
import { familyOf, SWITCH_METADATA_KEY, SWITCHED_FROM_METADATA_KEY } from './subscribe.js'

export async function continueOnScheduledPlan(deps: Deps, snapshot: SubscriptionSnapshot): Promise<void> {
  const old = snapshot.subscription
  const target = old.metadata?.[SWITCH_METADATA_KEY]
  if (old.status !== 'canceled' || !target || old.cancellation_details?.reason !== 'cancellation_requested')
    return
  const price = findPrice(deps.catalog, target)
  if (!price?.recurring) {
    deps.log.warn(
      { subscription: old.id, price: target },
      'scheduled plan switch names no plan; not continued',
    )
    return
  }
  const customerId = snapshot.customerId ?? old.metadata?.tollgate_customer_id
  // The ended one may still look live locally: this handler runs before its sync is applied.
  const others = customerId ? await listLiveSubscriptionsInFamily(deps.db, customerId, familyOf(price)) : []
  if (others.some((s) => s.stripe_subscription_id !== old.id)) return
  const paymentMethod = idOf(old.default_payment_method) ?? (await customerDefaultCard(deps, old))
  await deps.stripe.subscriptions.create(
    {
      customer: idOf(old.customer) as string,
      items: [{ price: await resolveStripePriceId(deps, price.lookupKey) }],
      ...(paymentMethod ? { default_payment_method: paymentMethod } : {}),
      metadata: {
        ...(customerId ? { tollgate_customer_id: customerId } : {}),
        tollgate_price: price.lookupKey,
        [SWITCHED_FROM_METADATA_KEY]: old.id,
      },
    },
    { idempotencyKey: `tollgate-switch-${old.id}` },
  )
}

async function customerDefaultCard(deps: Deps, sub: Stripe.Subscription): Promise<string | undefined> {
  const customer = await deps.stripe.customers.retrieve(idOf(sub.customer) as string)
  if ('deleted' in customer && customer.deleted) return undefined
  return idOf((customer as Stripe.Customer).invoice_settings?.default_payment_method) ?? undefined
}
