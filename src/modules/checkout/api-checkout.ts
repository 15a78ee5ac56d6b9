/**
 * Checkout for integrators (`POST /api/v1/checkout-sessions`): a catalog price by lookup key or an
 * ad-hoc line (amount, currency, product name, optional recurring interval) that Stripe prices
 * inline (`price_data`). The input arrives validated (amount bounds, currency, interval, redirect
 * origins are checked at the edge); here it becomes Stripe parameters and metadata by our codec,
 * and the session is recorded as pending. A recurring line starts a subscription, which billing
 * then tracks like any plan; a catalog plan is first vetted by billing's rules (passed in) and
 * sold on the catalog's terms.
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import type { BillingInterval } from '../../lib/stripe-currencies.js'
import { type CatalogPrice, getPrice, resolveStripePriceId } from '../catalog/index.js'
import { type Customer, findCustomer } from '../customers/index.js'
import { checkoutBranding } from './branding.js'
import { ADHOC_PRICE, type GrantSpec, writeCheckoutMetadata } from './metadata.js'
import { recordPendingCheckout } from './pending.js'
import { asAppError } from './service.js'

export type AdhocLine = {
  amount: number
  currency: string
  productName: string
  recurring?: { interval: BillingInterval; intervalCount: number }
}

/** A catalog price by lookup key; `skipTrial`: a plan's buyer pays from today, without its trial. */
export type CatalogLine = { price: string; skipTrial?: boolean }

export type ApiCheckoutInput = {
  line: CatalogLine | AdhocLine
  quantity: number
  customerEmail?: string
  customerId?: string
  billingAddressCollection: 'auto' | 'required'
  successUrl?: string
  cancelUrl?: string
  metadata: Record<string, string>
  grants: GrantSpec[]
  apiKeyId: string
  /** Derived from the caller's Idempotency-Key: the same key makes one Stripe session. */
  idempotencyKey?: string
}

export type ApiCheckoutStarted = {
  id: string
  url: string
  expiresAt: Date
  mode: 'payment' | 'subscription'
}

/**
 * The subscriptions module's rules for selling a catalog plan (one per family, one trial per
 * customer) and the plan's Checkout terms (trial, promotion codes). That module sits above this
 * one, so the caller passes it in.
 */
export type VetPlanCheckout = (
  deps: Deps,
  input: { price: CatalogPrice; customer?: Customer; email?: string; skipTrial: boolean },
) => Promise<Partial<Stripe.Checkout.SessionCreateParams>>

export async function startApiCheckout(
  deps: Deps,
  input: ApiCheckoutInput,
  vetPlan: VetPlanCheckout,
): Promise<ApiCheckoutStarted> {
  const customer = input.customerId ? await findCustomer(deps.db, input.customerId) : undefined
  if (input.customerId && !customer) {
    throw new AppError('CUSTOMER_NOT_FOUND', { details: { field: 'customer_id' } })
  }
  const plan = planOf(deps, input)
  const terms = plan
    ? await vetPlan(deps, {
        price: plan,
        ...(customer ? { customer } : {}),
        ...(input.customerEmail ? { email: input.customerEmail } : {}),
        skipTrial: 'price' in input.line && input.line.skipTrial === true,
      })
    : {}
  const { item, mode, priceKey } = await lineItem(deps, input)
  const metadata = writeCheckoutMetadata(
    {
      price: priceKey,
      quantity: input.quantity,
      ...(customer ? { customerId: customer.id } : {}),
      ...('productName' in input.line ? { productName: input.line.productName } : {}),
      grants: input.grants,
      apiKeyId: input.apiKeyId,
    },
    input.metadata,
  )
  const base = deps.config.publicUrl
  const params: Stripe.Checkout.SessionCreateParams = {
    ...terms,
    mode,
    line_items: [{ ...item, quantity: input.quantity }],
    branding_settings: checkoutBranding(deps.config.brand),
    billing_address_collection: input.billingAddressCollection,
    success_url: input.successUrl ?? `${base}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: input.cancelUrl ?? `${base}/checkout/cancel`,
    metadata,
    // The subscription carries the same keys, so its sync knows the buyer, the grants and the caller.
    ...(mode === 'subscription' ? { subscription_data: { ...terms.subscription_data, metadata } } : {}),
  }
  if (customer) params.client_reference_id = customer.id
  if (customer?.stripeCustomerId) params.customer = customer.stripeCustomerId
  else if (customer || input.customerEmail) params.customer_email = customer?.email ?? input.customerEmail
  let session: Stripe.Checkout.Session
  try {
    session = await deps.stripe.checkout.sessions.create(
      params,
      input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : undefined,
    )
  } catch (err) {
    throw asAppError(err)
  }
  if (!session.url) throw new AppError('STRIPE_UNAVAILABLE', { message: 'Checkout returned no URL.' })
  await recordPendingCheckout(deps.db, session, {
    mode,
    email: customer?.email ?? input.customerEmail,
    customerId: customer?.id,
    price: { lookupKey: priceKey },
    quantity: input.quantity,
    now: deps.clock.now(),
  }).catch((err: unknown) => {
    // The same Idempotency-Key replayed concurrently: Stripe answered with the same session.
    if (!String(err).match(/unique|duplicate/i)) throw err
  })
  return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000), mode }
}

/** The catalog plan the line sells, if it is one; a plan is bought one at a time, as on /pricing. */
function planOf(deps: Deps, input: ApiCheckoutInput): CatalogPrice | undefined {
  if (!('price' in input.line)) return undefined
  const price = getPrice(deps.catalog, input.line.price)
  if (!price.recurring) return undefined
  if (input.quantity !== 1) {
    throw new AppError('API_INVALID_PARAMETER', {
      message: 'quantity: a plan is bought one at a time (1)',
      details: { field: 'quantity' },
    })
  }
  return price
}

async function lineItem(
  deps: Deps,
  input: ApiCheckoutInput,
): Promise<{
  item: Stripe.Checkout.SessionCreateParams.LineItem
  mode: 'payment' | 'subscription'
  priceKey: string
}> {
  const line = input.line
  if ('price' in line) {
    const price = getPrice(deps.catalog, line.price)
    return {
      item: { price: await resolveStripePriceId(deps, price.lookupKey) },
      mode: price.recurring ? 'subscription' : 'payment',
      priceKey: price.lookupKey,
    }
  }
  const priceData: Stripe.Checkout.SessionCreateParams.LineItem.PriceData = {
    currency: line.currency,
    unit_amount: line.amount,
    product_data: { name: line.productName },
  }
  if (line.recurring) {
    priceData.recurring = { interval: line.recurring.interval, interval_count: line.recurring.intervalCount }
  }
  return {
    item: { price_data: priceData },
    mode: line.recurring ? 'subscription' : 'payment',
    priceKey: ADHOC_PRICE,
  }
}
