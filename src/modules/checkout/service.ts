/**
 * Creating Checkout Sessions. `createCheckoutSession` is the general call (payment or subscription
 * mode, used by the subscriptions module too); `startOneTimeCheckout` is the store's flow around
 * it: refuse what the buyer already owns, reuse an open session for the same email and price,
 * otherwise create one and record it as pending.
 * @module
 */
import { createHash } from 'node:crypto'
import type Stripe from 'stripe'
import { isStripeError } from '../../lib/stripe-errors.js'
import { checkoutBranding } from './branding.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import type { CatalogPrice } from '../catalog/index.js'
import { featuresOfProduct, getPrice, productOfPrice, resolveStripePriceId } from '../catalog/index.js'
import { findCustomer, findCustomerForEmail, normalizeEmail } from '../customers/index.js'
import { checkAccess } from '../entitlements/index.js'
import { writeCheckoutMetadata } from './metadata.js'
import { checkoutPaymentOf, retrieveCheckoutWithPayment } from './payment-state.js'
import { type PendingCheckout, recordPendingCheckout } from './pending.js'
import { listBuyerCheckouts, updatePendingCheckoutStatus } from './repo.js'

export type CheckoutMode = 'payment' | 'subscription'

export type CreateCheckoutInput = {
  mode: CheckoutMode
  price: CatalogPrice
  quantity: number
  /** Prefilled (and fixed) on the Checkout page; ignored when `stripeCustomerId` is given. */
  email?: string
  /** Our customer id when the buyer is signed in: client_reference_id and metadata. */
  customerId?: string
  stripeCustomerId?: string
  metadata?: Record<string, string>
  /** Extra Stripe parameters (subscription_data, allow_promotion_codes, …); ours win on conflict. */
  params?: Partial<Stripe.Checkout.SessionCreateParams>
  idempotencyKey?: string
  /** Defaults: `/checkout/success?session_id={CHECKOUT_SESSION_ID}` and `/checkout/cancel`. */
  successUrl?: string
  cancelUrl?: string
}

export type CheckoutStart = { id: string; url: string; reused: boolean }

export async function createCheckoutSession(
  deps: Deps,
  input: CreateCheckoutInput,
): Promise<Stripe.Checkout.Session> {
  const base = deps.config.publicUrl
  const params: Stripe.Checkout.SessionCreateParams = {
    ...input.params,
    mode: input.mode,
    branding_settings: checkoutBranding(deps.config.brand),
    line_items: [
      { price: await resolveStripePriceId(deps, input.price.lookupKey), quantity: input.quantity },
    ],
    success_url: input.successUrl ?? `${base}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: input.cancelUrl ?? `${base}/checkout/cancel`,
    metadata: writeCheckoutMetadata(
      {
        price: input.price.lookupKey,
        quantity: input.quantity,
        ...(input.customerId ? { customerId: input.customerId } : {}),
      },
      input.metadata,
    ),
  }
  if (input.customerId) params.client_reference_id = input.customerId
  if (input.stripeCustomerId) params.customer = input.stripeCustomerId
  else if (input.email) params.customer_email = input.email
  try {
    return await deps.stripe.checkout.sessions.create(
      params,
      input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : undefined,
    )
  } catch (err) {
    throw asAppError(err)
  }
}

export type OneTimeCheckoutInput = {
  priceLookupKey: string
  quantity: number
  email?: string
  /** The signed-in customer, if any. */
  customer?: { id: string; email: string }
}

export async function startOneTimeCheckout(deps: Deps, input: OneTimeCheckoutInput): Promise<CheckoutStart> {
  const price = getPrice(deps.catalog, input.priceLookupKey)
  if (price.recurring) throw new AppError('PRICE_NOT_ONE_TIME', { details: { price: price.lookupKey } })
  const email = input.email ? normalizeEmail(input.email) : input.customer?.email
  const buyer = input.customer ? await findCustomer(deps.db, input.customer.id) : undefined
  const owner = buyer ?? (email ? await findCustomerForEmail(deps.db, email) : undefined)
  if (owner && (await ownsPrice(deps, owner.id, price))) {
    throw new AppError('ALREADY_OWNED', { details: { price: price.lookupKey } })
  }
  const history = email
    ? await listBuyerCheckouts(deps.db, { email, priceLookupKey: price.lookupKey, quantity: input.quantity })
    : []
  if (email) {
    await refuseWhileProcessing(deps, history, price)
    const reused = await reuseOpenCheckout(deps, history, price, input.quantity)
    if (reused) return reused
  }
  const session = await createCheckoutSession(deps, {
    mode: 'payment',
    price,
    quantity: input.quantity,
    ...(email ? { email } : {}),
    ...(buyer ? { customerId: buyer.id } : {}),
    idempotencyKey: attemptKey(deps, {
      email,
      price: price.lookupKey,
      quantity: input.quantity,
      customerId: buyer?.id,
      previous: history.find((c) => c.quantity === input.quantity),
    }),
  })
  await recordPendingCheckout(deps.db, session, {
    mode: 'payment',
    email,
    customerId: buyer?.id,
    price,
    quantity: input.quantity,
    now: deps.clock.now(),
  })
  if (!session.url) throw new AppError('STRIPE_UNAVAILABLE', { message: 'Checkout returned no URL.' })
  return { id: session.id, url: session.url, reused: false }
}

/** Whether the customer holds every feature the price's product grants, right now. */
async function ownsPrice(deps: Deps, customerId: string, price: CatalogPrice): Promise<boolean> {
  const features = featuresOfProduct(productOfPrice(deps.catalog, price))
  if (features.length === 0) return false
  const now = deps.clock.now()
  for (const feature of features) {
    if (!(await checkAccess(deps.db, customerId, feature, now)).allowed) return false
  }
  return true
}

/**
 * Two tabs or a double click: hand back the session that is still open for this email, price and
 * quantity, and good for ten minutes more. `history` is the buyer's (listBuyerCheckouts).
 */
async function reuseOpenCheckout(
  deps: Deps,
  history: PendingCheckout[],
  price: CatalogPrice,
  quantity: number,
): Promise<CheckoutStart | undefined> {
  const validAfter = new Date(deps.clock.now().getTime() + 10 * 60_000).toISOString()
  const pending = history.find(
    (c) => c.status === 'open' && c.quantity === quantity && c.expires_at > validAfter,
  )
  if (!pending) return undefined
  const session = await retrieveForStore(deps, pending.stripe_checkout_session_id)
  const payment = checkoutPaymentOf(session)
  if (payment === 'open' && session.url) return { id: session.id, url: session.url, reused: true }
  if (payment === 'processing') {
    await updatePendingCheckoutStatus(deps.db, session.id, 'processing', { from: ['open'] })
    throw new AppError('PAYMENT_PROCESSING', { details: { price: price.lookupKey } })
  }
  // A failed debit is left to its webhook, which also tells the buyer.
  if (payment !== 'failed') {
    await updatePendingCheckoutStatus(deps.db, session.id, payment === 'expired' ? 'expired' : 'complete')
  }
  return undefined
}

/**
 * A bank debit for this email and price is still processing: a second purchase now would debit
 * twice, so it is refused until the bank answers. The local row is checked against Stripe, so a
 * late webhook does not keep the buyer out.
 */
async function refuseWhileProcessing(
  deps: Deps,
  history: PendingCheckout[],
  price: CatalogPrice,
): Promise<void> {
  const processing = history.find((c) => c.status === 'processing')
  if (!processing) return
  const session = await retrieveForStore(deps, processing.stripe_checkout_session_id)
  const payment = checkoutPaymentOf(session)
  if (payment === 'processing')
    throw new AppError('PAYMENT_PROCESSING', { details: { price: price.lookupKey } })
  if (payment === 'paid') throw new AppError('ALREADY_OWNED', { details: { price: price.lookupKey } })
}

function retrieveForStore(deps: Deps, sessionId: string): Promise<Stripe.Checkout.Session> {
  return retrieveCheckoutWithPayment(deps.stripe, sessionId).catch((err) => {
    throw asAppError(err)
  })
}

/**
 * The same buyer, price and quantity within ten minutes map to one key, so concurrent double
 * submits create one session. The previous checkout's id (`previous`, the newest of this email,
 * price and quantity) is part of the key: once that session expired or completed, the next attempt
 * gets a new session instead of Stripe's cached reply. Guests without an email get a fresh key
 * each time.
 */
function attemptKey(
  deps: Deps,
  input: {
    email: string | undefined
    price: string
    quantity: number
    customerId: string | undefined
    previous: PendingCheckout | undefined
  },
): string {
  if (!input.email && !input.customerId)
    return `tollgate-checkout-${newId('pco', deps.clock.now().getTime())}`
  const previous = input.email ? input.previous : undefined
  const bucket = Math.floor(deps.clock.now().getTime() / 600_000)
  const material = [input.email ?? '', input.customerId ?? '', input.price, input.quantity, bucket]
  material.push(previous?.stripe_checkout_session_id ?? 'first')
  return `tollgate-checkout-${createHash('sha256').update(material.join('|')).digest('hex').slice(0, 40)}`
}

/**
 * Stripe being unreachable or failing is a 502 for our callers, not a 500. A 404 becomes
 * CHECKOUT_SESSION_NOT_FOUND only where the caller asked for a session by id.
 */
export function asAppError(err: unknown, options: { notFound?: 'CHECKOUT_SESSION_NOT_FOUND' } = {}): unknown {
  if (err instanceof AppError) return err
  if (isStripeError(err)) {
    if (err.statusCode === 404 && options.notFound) return new AppError(options.notFound, { cause: err })
    return new AppError('STRIPE_UNAVAILABLE', { cause: err })
  }
  return err
}
