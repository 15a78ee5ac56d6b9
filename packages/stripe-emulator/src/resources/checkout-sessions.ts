/**
 * Checkout Sessions: create (payment and subscription mode), retrieve, list, expire, line items.
 * Line items and `subscription_data` are not part of the Session object, so they live in the
 * session's hidden data (`checkoutLineItems`, `checkoutSubscriptionData` read them for billing).
 * Open sessions expire on emulator time (default 24 h) with `checkout.session.expired`.
 * Completion (hosted page, CLI) is in `payment-pages.ts`.
 * @module
 */
import type Stripe from 'stripe'
import { allocate, taxShares } from '../billing/tax.js'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { randomString } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  optEnum,
  optObject,
  optRange,
  optString,
  type Params,
} from '../params.js'
import { includable, registerAction, route } from '../registry.js'
import { getObject, hiddenOf, insertObject, listObjects } from '../state.js'
import { buildSession, checkCombinations, readExpiresAt } from './checkout-build.js'
import {
  type PaymentIntentData,
  readDiscount,
  readLineItems,
  readPaymentIntentData,
  readSubscriptionData,
  type SubscriptionData,
} from './checkout-params.js'
import { createSessionSetupIntent } from './checkout-setup.js'
import { discountAmount } from './coupons.js'
import { cancelPaymentIntent } from './payment-intent-objects.js'

export { customerDetails } from './checkout-build.js'
export type { SubscriptionData } from './checkout-params.js'

export type CheckoutHidden = {
  lineItems: Stripe.LineItem[]
  subscriptionData: SubscriptionData | null
  paymentIntentData?: PaymentIntentData | null
  /** The PaymentIntent / PaymentMethod waiting on the emulated 3DS page. */
  /** Set while a payment for the session is in progress. */
  paying?: boolean
  pending3ds?: {
    paymentIntent: string | null
    paymentMethod: string
    email: string
    name: string
    address?: Stripe.Address | null
  }
}

const CREATE = [
  'adaptive_pricing',
  'after_expiration',
  'allow_promotion_codes',
  'allowed_payment_method_types',
  'automatic_tax',
  'billing_address_collection',
  'branding_settings',
  'cancel_url',
  'client_reference_id',
  'consent_collection',
  'currency',
  'custom_fields',
  'custom_text',
  'customer',
  'customer_creation',
  'customer_email',
  'customer_update',
  'discounts',
  'excluded_payment_method_types',
  'expires_at',
  'invoice_creation',
  'line_items',
  'locale',
  'metadata',
  'mode',
  'payment_intent_data',
  'payment_method_collection',
  'payment_method_configuration',
  'payment_method_options',
  'payment_method_types',
  'phone_number_collection',
  'return_url',
  'saved_payment_method_options',
  'setup_intent_data',
  'shipping_address_collection',
  'submit_type',
  'subscription_data',
  'success_url',
  'tax_id_collection',
  'ui_mode',
] as const

export function checkoutHidden(ctx: Ctx, sessionId: string): CheckoutHidden {
  const hidden = hiddenOf<Partial<CheckoutHidden>>(ctx.state, sessionId)
  hidden.lineItems ??= []
  hidden.subscriptionData ??= null
  return hidden as CheckoutHidden
}

/** The session's line items (each with its full Price), for billing and the hosted page. */
export function checkoutLineItems(ctx: Ctx, session: Stripe.Checkout.Session): Stripe.LineItem[] {
  return checkoutHidden(ctx, session.id).lineItems
}

/** `subscription_data` as given at creation (trial, metadata, description), or null. */
export function checkoutSubscriptionData(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
): SubscriptionData | null {
  return checkoutHidden(ctx, session.id).subscriptionData
}

/** Whether the first payment is deferred by a trial (then nothing is charged at checkout). */
export function hasTrial(data: SubscriptionData | null): boolean {
  return data !== null && ((data.trial_period_days ?? 0) > 0 || data.trial_end !== null)
}

/** Recomputes line-item and session totals from the line items and the applied discount. */
export function applyTotals(ctx: Ctx, session: Stripe.Checkout.Session): void {
  if (session.mode === 'setup') return // no amounts: Stripe leaves them null
  const items = checkoutLineItems(ctx, session)
  const trial = session.mode === 'subscription' && hasTrial(checkoutSubscriptionData(ctx, session))
  const subtotal = items.reduce((sum, li) => sum + li.amount_subtotal, 0)
  const couponId = session.discounts?.[0]?.coupon
  const coupon =
    typeof couponId === 'string' ? (ctx.state.objects[couponId] as Stripe.Coupon | undefined) : undefined
  const discount = coupon ? discountAmount(coupon, subtotal, session.currency ?? '') : 0
  const shares = allocate(
    discount,
    items.map((li) => li.amount_subtotal),
  )
  const defaults = checkoutSubscriptionData(ctx, session)?.default_tax_rates ?? []
  let tax = 0
  let exclusive = 0
  items.forEach((li, i) => {
    const own = (li.taxes ?? []).map((t) => t.rate)
    const rates = own.length > 0 ? own : defaults
    const computed = taxShares(li.amount_subtotal - shares[i]!, rates)
    if (computed.length > 0)
      li.taxes = computed.map((s) => ({
        amount: s.amount,
        rate: s.rate,
        taxability_reason: 'standard_rated',
        taxable_amount: s.taxable,
      }))
    const added = computed.reduce((sum, s) => sum + (s.rate.inclusive ? 0 : s.amount), 0)
    li.amount_discount = shares[i]!
    li.amount_tax = computed.reduce((sum, s) => sum + s.amount, 0)
    li.amount_total = li.amount_subtotal - shares[i]! + added
    tax += li.amount_tax
    exclusive += added
  })
  // With a trial nothing is due today, as Stripe's page shows "Free for N days".
  session.amount_subtotal = trial ? 0 : subtotal
  session.amount_total = trial ? 0 : subtotal - discount + exclusive
  session.total_details = {
    amount_discount: trial ? 0 : discount,
    amount_shipping: 0,
    amount_tax: trial ? 0 : tax,
  }
}

/** Setup mode collects a card and charges nothing, so it takes no line items (as on Stripe). */
function refuseLineItems(params: Params): Stripe.LineItem[] {
  if (params.line_items !== undefined)
    throw invalidParam('line_items', '`line_items` cannot be used in `setup` mode.')
  return []
}

export function createSession(ctx: Ctx, params: Params): Stripe.Checkout.Session {
  allowOnly(params, CREATE)
  const mode = optEnum(params, 'mode', ['payment', 'subscription', 'setup'] as const) ?? 'payment'
  checkCombinations(params, mode)
  const customerId = optString(params, 'customer')
  const customer = customerId
    ? getObject<Stripe.Customer>(ctx.state, 'customer', customerId, 'customer')
    : undefined
  const expiresAt = readExpiresAt(ctx, params)
  const lineItems = mode === 'setup' ? refuseLineItems(params) : readLineItems(ctx, params, mode)
  const discounts = readDiscount(ctx, params)
  const id = `cs_test_${randomString(58)}`
  const session = buildSession(ctx, params, { id, mode, customer, expiresAt, discounts, lineItems })
  const hidden = checkoutHidden(ctx, id)
  hidden.lineItems = lineItems
  hidden.subscriptionData = mode === 'subscription' ? readSubscriptionData(ctx, params) : null
  hidden.paymentIntentData = readPaymentIntentData(params)
  if (mode === 'setup') createSessionSetupIntent(ctx, session, params)
  insertObject(ctx.state, session)
  applyTotals(ctx, session)
  ctx.schedule(expiresAt, null, 'checkout.session.expire', { id })
  return session
}

/** Expires an open session: `status: expired`, `url: null`, one `checkout.session.expired`. */
export function expireSession(ctx: Ctx, session: Stripe.Checkout.Session): Stripe.Checkout.Session {
  const piId = session.payment_intent
  if (typeof piId === 'string') {
    const pi = ctx.state.objects[piId] as Stripe.PaymentIntent | undefined
    if (pi && pi.status !== 'succeeded' && pi.status !== 'canceled') cancelPaymentIntent(ctx, pi, 'abandoned')
  }
  session.status = 'expired'
  session.url = null
  ctx.unschedule((job) => job.action === 'checkout.session.expire' && job.data.id === session.id)
  ctx.emit('checkout.session.expired', session)
  return session
}

registerAction('checkout.session.expire', (ctx, data) => {
  const session = ctx.state.objects[String(data.id)] as Stripe.Checkout.Session | undefined
  if (session?.status === 'open') expireSession(ctx, session)
})

route('post', '/v1/checkout/sessions', (ctx, params) => createSession(ctx, params))
route('get', '/v1/checkout/sessions/:id', (ctx, _params, path) =>
  getObject(ctx.state, 'checkout.session', path.id!, 'id', 'checkout.session'),
)
route('post', '/v1/checkout/sessions/:id', (ctx, params, path) => {
  allowOnly(params, ['metadata', 'collected_information', 'shipping_options', 'line_items'])
  const session = getObject<Stripe.Checkout.Session>(
    ctx.state,
    'checkout.session',
    path.id!,
    'id',
    'checkout.session',
  )
  session.metadata = applyMetadata(session.metadata ?? {}, params)
  return session
})
route('post', '/v1/checkout/sessions/:id/expire', (ctx, params, path) => {
  allowOnly(params, [])
  const session = getObject<Stripe.Checkout.Session>(
    ctx.state,
    'checkout.session',
    path.id!,
    'id',
    'checkout.session',
  )
  if (session.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
    )
  }
  return expireSession(ctx, session)
})
route('get', '/v1/checkout/sessions/:id/line_items', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS])
  const session = getObject<Stripe.Checkout.Session>(
    ctx.state,
    'checkout.session',
    path.id!,
    'id',
    'checkout.session',
  )
  return paginate(checkoutLineItems(ctx, session), params, `/v1/checkout/sessions/${session.id}/line_items`)
})
route('get', '/v1/checkout/sessions', (ctx, params) => {
  allowOnly(params, [
    ...LIST_PARAMS,
    'customer',
    'customer_details',
    'payment_intent',
    'payment_link',
    'subscription',
    'status',
    'created',
  ])
  const customer = optString(params, 'customer')
  const pi = optString(params, 'payment_intent')
  const sub = optString(params, 'subscription')
  const link = optString(params, 'payment_link')
  const status = optEnum(params, 'status', ['open', 'complete', 'expired'] as const)
  const created = optRange(params, 'created')
  const details = optObject(params, 'customer_details')
  if (details) allowOnly(details, ['email'], 'customer_details')
  const email = details ? optString(details, 'email', 'customer_details[email]') : undefined
  const items = listObjects<Stripe.Checkout.Session>(
    ctx.state,
    'checkout.session',
    (s) =>
      (customer === undefined || s.customer === customer) &&
      (email === undefined || s.customer_details?.email === email) &&
      (pi === undefined || s.payment_intent === pi) &&
      (sub === undefined || s.subscription === sub) &&
      (link === undefined || s.payment_link === link) &&
      (status === undefined || s.status === status) &&
      inRange(s.created, created),
  )
  return paginate(items, params, '/v1/checkout/sessions')
})
includable('checkout.session', 'line_items', (ctx, session) => ({
  object: 'list',
  url: `/v1/checkout/sessions/${String(session.id)}/line_items`,
  has_more: false,
  data: checkoutLineItems(ctx, session as unknown as Stripe.Checkout.Session),
}))
