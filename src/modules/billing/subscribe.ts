/**
 * Subscribing: a signed-in customer picks a plan (a recurring catalog price). The Stripe customer
 * is created or reused before Checkout, `client_reference_id` is our customer id, the trial and
 * promotion-code switch come from the catalog. One plan per family: a second one is refused (the
 * portal changes plans), and an open Checkout for the family is reused or expired, so two tabs
 * cannot end with two subscriptions.
 * @module
 */
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import type { CatalogPrice } from '../catalog/index.js'
import { getPrice } from '../catalog/index.js'
import {
  createCheckoutSession,
  listOpenCheckouts,
  recordPendingCheckout,
  setPendingCheckoutStatus,
} from '../checkout/index.js'
import { ensureStripeCustomer, findCustomer } from '../customers/index.js'
import { listLiveSubscriptionsInFamily, listSubscriptionsOfCustomer } from './repo.js'

export function familyOf(price: CatalogPrice): string {
  return price.family ?? price.productId
}

export async function startSubscriptionCheckout(
  deps: Deps,
  customerId: string,
  lookupKey: string,
): Promise<{ url: string; reused: boolean }> {
  const price = getPrice(deps.catalog, lookupKey)
  if (!price.recurring) throw new AppError('PRICE_NOT_RECURRING', { details: { price: lookupKey } })
  const family = familyOf(price)
  if ((await listLiveSubscriptionsInFamily(deps.db, customerId, family)).length > 0) {
    throw new AppError('ALREADY_SUBSCRIBED', { details: { family } })
  }
  const reused = await reuseOrExpireOpenCheckouts(deps, customerId, price)
  if (reused) return { url: reused, reused: true }
  const customer = await findCustomer(deps.db, customerId)
  if (!customer) throw new AppError('UNAUTHORIZED')
  const stripeCustomerId = await ensureStripeCustomer(deps, customer)
  const hadPlan = (await listSubscriptionsOfCustomer(deps.db, customerId)).some(
    (s) => s.plan_family === family,
  )
  const base = deps.config.publicUrl
  const session = await createCheckoutSession(deps, {
    mode: 'subscription',
    price,
    quantity: 1,
    customerId,
    stripeCustomerId,
    successUrl: `${base}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${base}/pricing`,
    params: {
      ...(price.allowPromotionCodes ? { allow_promotion_codes: true } : {}),
      subscription_data: {
        metadata: { tollgate_customer_id: customerId, tollgate_price: price.lookupKey },
        // One free trial per plan family: returning members pay from day one.
        ...(price.trialDays && !hadPlan ? { trial_period_days: price.trialDays } : {}),
      },
    },
  })
  if (!session.url) throw new AppError('STRIPE_UNAVAILABLE', { message: 'Checkout returned no URL.' })
  await recordPendingCheckout(deps.db, session, {
    mode: 'subscription',
    email: customer.email,
    customerId,
    price,
    quantity: 1,
    now: deps.clock.now(),
  })
  return { url: session.url, reused: false }
}

/** Same plan still open → its URL; another plan of the family open → expire it first. */
async function reuseOrExpireOpenCheckouts(
  deps: Deps,
  customerId: string,
  price: CatalogPrice,
): Promise<string | undefined> {
  const family = familyOf(price)
  const open = await listOpenCheckouts(deps.db, { customerId, mode: 'subscription', now: deps.clock.now() })
  for (const pending of open) {
    const other = getPriceOrUndefined(deps, pending.price_lookup_key)
    if (!other || familyOf(other) !== family) continue
    const session = await deps.stripe.checkout.sessions.retrieve(pending.stripe_checkout_session_id)
    if (session.status === 'open' && pending.price_lookup_key === price.lookupKey && session.url) {
      return session.url
    }
    if (session.status === 'open') await deps.stripe.checkout.sessions.expire(session.id)
    const status = session.status === 'complete' ? 'complete' : 'expired'
    await setPendingCheckoutStatus(deps.db, session.id, status)
    if (status === 'complete') throw new AppError('ALREADY_SUBSCRIBED', { details: { family } })
  }
  return undefined
}

function getPriceOrUndefined(deps: Deps, lookupKey: string): CatalogPrice | undefined {
  return deps.catalog.prices.find((p) => p.lookupKey === lookupKey)
}
