/**
 * Subscribing: a signed-in customer or a guest picks a plan (a recurring catalog price). One plan
 * per family: a second one is refused before Checkout (the account page changes plans), and an
 * open Checkout for the family is reused or expired, so two tabs cannot end with two
 * subscriptions. The trial and promotion-code switch come from the catalog.
 *
 * A signed-in customer's Stripe customer is created or reused before Checkout and
 * `client_reference_id` is our customer id. A guest pays first: Checkout collects (or is given)
 * the email, and the subscription sync finds or makes the customer by that email; the metadata
 * marks the subscription as a guest's, so the sync mails a link to choose a password.
 * @module
 */
import type Stripe from 'stripe'
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
import {
  type Customer,
  ensureStripeCustomer,
  findCustomer,
  findCustomerForEmail,
  normalizeEmail,
} from '../customers/index.js'
import { listLiveSubscriptionsInFamily } from './repo.js'
import { decideTrial } from './trials.js'

/** Subscription metadata: the plan, and who started it (a signed-in customer or a guest). */
export const GUEST_METADATA_KEY = 'tollgate_guest'
/** A downgrade scheduled for the period end: the plan the member continues on (see plan-change.ts). */
export const SWITCH_METADATA_KEY = 'tollgate_switch_to'
/** On a subscription started by a scheduled switch: the one it replaced (no welcome mail). */
export const SWITCHED_FROM_METADATA_KEY = 'tollgate_switched_from'

export type SubscriptionStart = { id: string; url: string; reused: boolean }

export function familyOf(price: CatalogPrice): string {
  return price.family ?? price.productId
}

function recurringPrice(deps: Deps, lookupKey: string): CatalogPrice {
  const price = getPrice(deps.catalog, lookupKey)
  if (!price.recurring) throw new AppError('PRICE_NOT_RECURRING', { details: { price: lookupKey } })
  return price
}

async function hasLivePlanInFamily(deps: Deps, customerId: string, family: string): Promise<boolean> {
  return (await listLiveSubscriptionsInFamily(deps.db, customerId, family)).length > 0
}

type PlanTerms = Partial<Stripe.Checkout.SessionCreateParams> & {
  subscription_data: Stripe.Checkout.SessionCreateParams.SubscriptionData
}

/**
 * The Checkout params the catalog sets for a plan: promotion codes, and its trial when there is
 * one. A trial without a card up front asks Checkout for no card (`if_required`: nothing is due
 * today) and tells Stripe what to do if the trial runs out without one.
 */
function planTerms(price: CatalogPrice, withTrial: boolean): PlanTerms {
  const trial = price.trialDays && withTrial ? price.trialDays : undefined
  const cardless = trial !== undefined && price.trialCard === 'optional'
  return {
    ...(price.allowPromotionCodes ? { allow_promotion_codes: true } : {}),
    ...(cardless ? { payment_method_collection: 'if_required' as const } : {}),
    subscription_data: {
      ...(trial ? { trial_period_days: trial } : {}),
      ...(cardless
        ? { trial_settings: { end_behavior: { missing_payment_method: price.trialEndWithoutCard } } }
        : {}),
    },
  }
}

/** The plan's terms plus its subscription metadata. */
function subscriptionParams(
  price: CatalogPrice,
  metadata: Record<string, string>,
  withTrial: boolean,
): Partial<Stripe.Checkout.SessionCreateParams> {
  const terms = planTerms(price, withTrial)
  return {
    ...terms,
    subscription_data: {
      ...terms.subscription_data,
      metadata: { ...metadata, tollgate_price: price.lookupKey },
    },
  }
}

function successUrls(deps: Deps): { successUrl: string; cancelUrl: string } {
  const base = deps.config.publicUrl
  return {
    successUrl: `${base}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${base}/pricing`,
  }
}

/** `skipTrial`: the buyer chose to pay from today (after being told their trial was used). */
export type SubscribeOptions = { skipTrial?: boolean }

export async function startSubscriptionCheckout(
  deps: Deps,
  customerId: string,
  lookupKey: string,
  options: SubscribeOptions = {},
): Promise<SubscriptionStart> {
  const price = recurringPrice(deps, lookupKey)
  const family = familyOf(price)
  if (await hasLivePlanInFamily(deps, customerId, family)) {
    throw new AppError('ALREADY_SUBSCRIBED', { details: { family } })
  }
  const reused = await reuseOrExpireOpenCheckouts(deps, customerId, price)
  if (reused) return reused
  const customer = await findCustomer(deps.db, customerId)
  if (!customer) throw new AppError('UNAUTHORIZED')
  const stripeCustomerId = await ensureStripeCustomer(deps, customer)
  const withTrial = await decideTrial(deps, price, { ...options, customerId, stripeCustomerId })
  const session = await createCheckoutSession(deps, {
    mode: 'subscription',
    price,
    quantity: 1,
    customerId,
    stripeCustomerId,
    ...successUrls(deps),
    params: subscriptionParams(price, { tollgate_customer_id: customerId }, withTrial),
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
  return { id: session.id, url: session.url, reused: false }
}

/**
 * A visitor without an account. With an email already known to hold a plan of the family, refused
 * before Checkout (ALREADY_SUBSCRIBED_SIGN_IN: the page offers a sign-in link). Without an email
 * (a buy button that names none), Checkout asks for it.
 */
export async function startGuestSubscriptionCheckout(
  deps: Deps,
  input: { lookupKey: string; email?: string } & SubscribeOptions,
): Promise<SubscriptionStart> {
  const price = recurringPrice(deps, input.lookupKey)
  const family = familyOf(price)
  const email = input.email ? normalizeEmail(input.email) : undefined
  const known = email ? await findCustomerForEmail(deps.db, email) : undefined
  if (known && (await hasLivePlanInFamily(deps, known.id, family))) {
    throw new AppError('ALREADY_SUBSCRIBED_SIGN_IN', { details: { family } })
  }
  const withTrial = await decideTrial(deps, price, {
    ...(input.skipTrial ? { skipTrial: true } : {}),
    ...(known ? { customerId: known.id, stripeCustomerId: known.stripeCustomerId } : {}),
  })
  const session = await createCheckoutSession(deps, {
    mode: 'subscription',
    price,
    quantity: 1,
    // A known Stripe customer keeps one customer (and one card list) across purchases.
    ...(known?.stripeCustomerId ? { stripeCustomerId: known.stripeCustomerId } : email ? { email } : {}),
    ...successUrls(deps),
    params: subscriptionParams(price, { [GUEST_METADATA_KEY]: '1' }, withTrial),
  })
  if (!session.url) throw new AppError('STRIPE_UNAVAILABLE', { message: 'Checkout returned no URL.' })
  await recordPendingCheckout(deps.db, session, {
    mode: 'subscription',
    email,
    customerId: undefined,
    price,
    quantity: 1,
    now: deps.clock.now(),
  })
  return { id: session.id, url: session.url, reused: false }
}

/**
 * A catalog plan sold through the integrator API (`POST /api/v1/checkout-sessions`), under the
 * public path's rules: one plan per family per customer, known by id or by email
 * (ALREADY_SUBSCRIBED: a second plan would bill twice), and one trial per customer
 * (TRIAL_ALREADY_USED unless `skipTrial`). Returns the catalog's Checkout terms (trial, promotion
 * codes) for the caller to add to its session; nothing is sent to Stripe here.
 */
export async function vetApiPlanCheckout(
  deps: Deps,
  input: { price: CatalogPrice; customer?: Customer; email?: string; skipTrial: boolean },
): Promise<PlanTerms> {
  const price = input.price
  const family = familyOf(price)
  const known =
    input.customer ??
    (input.email ? await findCustomerForEmail(deps.db, normalizeEmail(input.email)) : undefined)
  if (known && (await hasLivePlanInFamily(deps, known.id, family))) {
    throw new AppError('ALREADY_SUBSCRIBED', {
      message: `The customer already has a plan of the family "${family}"; a second would bill twice. Change plans instead.`,
      details: { field: 'price', family },
    })
  }
  const withTrial = await decideTrial(deps, price, {
    skipTrial: input.skipTrial,
    ...(known ? { customerId: known.id, stripeCustomerId: known.stripeCustomerId } : {}),
  }).catch((err: unknown) => {
    if (!(err instanceof AppError) || err.code !== 'TRIAL_ALREADY_USED') throw err
    throw new AppError('TRIAL_ALREADY_USED', {
      message:
        'The customer has already had a free trial; send "skip_trial": true to subscribe paying from today.',
      details: { field: 'skip_trial' },
      cause: err,
    })
  })
  return planTerms(price, withTrial)
}

/**
 * The buy button's way in (`POST /api/checkout-sessions` with a recurring price): a signed-in
 * customer on this site subscribes as on /pricing; anyone else as a guest.
 */
export async function startSubscriptionFromButton(
  deps: Deps,
  input: { lookupKey: string; email?: string; customerId?: string },
): Promise<SubscriptionStart> {
  try {
    if (input.customerId) return await startSubscriptionCheckout(deps, input.customerId, input.lookupKey)
    return await startGuestSubscriptionCheckout(deps, {
      lookupKey: input.lookupKey,
      ...(input.email ? { email: input.email } : {}),
    })
  } catch (err) {
    throw withRefusalPage(deps, err, input)
  }
}

/** Refusals a buyer can act on, and the page (`GET /subscribe/refused`) that says what to do. */
const REFUSAL_PAGES = {
  TRIAL_ALREADY_USED: 'trial-used',
  ALREADY_SUBSCRIBED_SIGN_IN: 'subscribed',
  ALREADY_SUBSCRIBED: 'subscribed',
} as const
export type RefusalPage = (typeof REFUSAL_PAGES)[keyof typeof REFUSAL_PAGES]

/**
 * The button's answer is JSON, read by a script on another site: a refusal carries `details.next`,
 * this store's page in words with the way on (subscribe without the trial, or sign in), where the
 * script sends the buyer.
 */
function withRefusalPage(deps: Deps, err: unknown, input: { lookupKey: string; email?: string }): unknown {
  if (!(err instanceof AppError)) return err
  const reason = (REFUSAL_PAGES as Record<string, RefusalPage | undefined>)[err.code]
  if (!reason) return err
  const query = new URLSearchParams({
    reason,
    price: input.lookupKey,
    ...(input.email ? { email: input.email } : {}),
  })
  return new AppError(err.code, {
    message: err.message,
    details: { next: `${deps.config.publicUrl}/subscribe/refused?${query}` },
    cause: err,
  })
}

/** Same plan still open → its URL; another plan of the family open → expire it first. */
async function reuseOrExpireOpenCheckouts(
  deps: Deps,
  customerId: string,
  price: CatalogPrice,
): Promise<SubscriptionStart | undefined> {
  const family = familyOf(price)
  const open = await listOpenCheckouts(deps.db, { customerId, mode: 'subscription', now: deps.clock.now() })
  for (const pending of open) {
    const other = getPriceOrUndefined(deps, pending.price_lookup_key)
    if (!other || familyOf(other) !== family) continue
    const session = await deps.stripe.checkout.sessions.retrieve(pending.stripe_checkout_session_id)
    if (session.status === 'open' && pending.price_lookup_key === price.lookupKey && session.url) {
      return { id: session.id, url: session.url, reused: true }
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
