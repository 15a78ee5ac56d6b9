/**
 * Paying a Checkout Session, shared by the hosted page and the Stripe CLI's private
 * `GET /v1/payment_pages/:cs_id` + `POST /v1/payment_pages/:cs_id/confirm` routes.
 *
 * Payment mode: (customer.created) → payment_intent.created → charge.succeeded →
 * payment_intent.succeeded → checkout.session.completed. With SEPA Direct Debit: … →
 * charge.pending → payment_intent.processing → checkout.session.completed (`payment_status:
 * 'unpaid'`), and the bank's answer later (resources/sepa-debit.ts). A decline leaves the session open (the
 * failed PaymentIntent and Charge are recorded, and a retry reuses the PaymentIntent).
 * Setup mode: see checkout-setup.ts.
 * Subscription mode: customer.created → payment_method.attached → billing's subscription and
 * first-invoice events → checkout.session.completed. A card that would be declined (including
 * 4000 0000 0000 0341 when something is due today) is refused before anything is created, as
 * Stripe's page refuses it; with a trial nothing is charged, so 0341 attaches and fails later.
 * @module
 */
import type Stripe from 'stripe'
import { createSubscriptionFromCheckout } from '../billing/checkout.js'
import { declineFor, needsAuthentication } from '../card-outcomes.js'
import type { Ctx } from '../context.js'
import { cardError, type ErrorCode, invalidParam, invalidRequest } from '../errors.js'
import { allowOnly, optInt, type Params, reqString } from '../params.js'
import { confirmPaymentIntent, type PaymentAttempt } from '../payments.js'
import { route } from '../registry.js'
import { getObject } from '../state.js'
import { attachPaymentMethod, cardHidden, resolvePaymentMethod } from './cards.js'
import { checkoutHidden, checkoutSubscriptionData, customerDetails, hasTrial } from './checkout-sessions.js'
import { paySetup } from './checkout-setup.js'
import { redeemCoupon } from './coupons.js'
import { createCustomer } from './customers.js'
import { insertPaymentIntent } from './payment-intent-objects.js'
import { readPlainFields } from './payment-intent-params.js'
// The hosted pages register themselves on import.
import '../pages/checkout.js'
import '../pages/checkout-3ds.js'

export type Payer = {
  email: string | null
  name: string | null
  paymentMethod: Stripe.PaymentMethod | null
  /** The billing address the page collected (`billing_address_collection: required`). */
  address?: Stripe.Address | null
}

export type PayResult =
  | { outcome: 'complete' }
  | { outcome: 'declined'; message: string; code: ErrorCode; declineCode?: string }
  | { outcome: 'requires_action' }

export async function payCheckoutSession(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  payer: Payer,
): Promise<PayResult> {
  if (session.status !== 'open') {
    throw invalidRequest(`This Checkout Session is no longer active (status: ${session.status}).`)
  }
  // A double-clicked submit must not start two subscriptions while billing awaits.
  const hidden = checkoutHidden(ctx, session.id)
  if (hidden.paying) throw invalidRequest('This Checkout Session is already being paid.')
  hidden.paying = true
  try {
    if (session.mode === 'setup') return paySetup(ctx, session, payer)
    return session.mode === 'subscription'
      ? await paySubscription(ctx, session, payer)
      : await payOnce(ctx, session, payer)
  } finally {
    delete hidden.paying
  }
}

export function ensureCustomer(ctx: Ctx, session: Stripe.Checkout.Session, payer: Payer): string {
  if (typeof session.customer === 'string') return session.customer
  const params: Params = {}
  if (payer.email) params.email = payer.email
  if (payer.name) params.name = payer.name
  const customer = createCustomer(ctx, params)
  session.customer = customer.id
  return customer.id
}

function declined(attempt: {
  error?: { message: string; code: ErrorCode; decline_code?: string }
}): PayResult {
  const e = attempt.error
  return {
    outcome: 'declined',
    message: e?.message ?? 'Your card was declined.',
    code: e?.code ?? 'card_declined',
    ...(e?.decline_code ? { declineCode: e.decline_code } : {}),
  }
}

async function payOnce(ctx: Ctx, session: Stripe.Checkout.Session, payer: Payer): Promise<PayResult> {
  const piData = checkoutHidden(ctx, session.id).paymentIntentData ?? null
  // Saving the card for later needs a customer, as on Stripe.
  if (session.customer_creation === 'always' || piData?.setup_future_usage)
    ensureCustomer(ctx, session, payer)
  if ((session.amount_total ?? 0) === 0) {
    finishSession(ctx, session, payer, 'no_payment_required')
    return { outcome: 'complete' }
  }
  const pm = payer.paymentMethod
  if (!pm) throw invalidParam('payment_method', 'A payment method is required.')
  const pi = sessionPaymentIntent(ctx, session, payer)
  if (piData?.setup_future_usage && typeof session.customer === 'string')
    attachPaymentMethod(ctx, pm, session.customer)
  const attempt: PaymentAttempt = confirmPaymentIntent(ctx, pi, pm, { offSession: false })
  if (attempt.outcome === 'requires_action') {
    checkoutHidden(ctx, session.id).pending3ds = pendingOf(pi.id, pm, payer)
    return { outcome: 'requires_action' }
  }
  if (attempt.outcome === 'declined') return declined(attempt)
  // A bank debit completes the session unpaid; `async_payment_succeeded`/`failed` follow.
  finishSession(ctx, session, payer, attempt.outcome === 'processing' ? 'unpaid' : 'paid')
  return { outcome: 'complete' }
}

/** The session's PaymentIntent: created on the first attempt, reused by retries after a decline. */
function sessionPaymentIntent(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  payer: Payer,
): Stripe.PaymentIntent {
  const existing =
    typeof session.payment_intent === 'string'
      ? (ctx.state.objects[session.payment_intent] as Stripe.PaymentIntent | undefined)
      : undefined
  if (existing && existing.status === 'requires_payment_method') return existing
  const data = checkoutHidden(ctx, session.id).paymentIntentData ?? null
  const pi = insertPaymentIntent(ctx, {
    amount: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    customer: typeof session.customer === 'string' ? session.customer : null,
    receiptEmail: payer.email,
    description: data?.description ?? null,
    metadata: { ...(data?.metadata ?? {}) },
    setupFutureUsage: data?.setup_future_usage ?? null,
    paymentMethodTypes: [...session.payment_method_types],
  })
  if (data?.fields) readPlainFields(data.fields)(pi)
  session.payment_intent = pi.id
  return pi
}

export function pendingOf(
  paymentIntent: string | null,
  pm: Stripe.PaymentMethod,
  payer: Payer,
): NonNullable<ReturnType<typeof checkoutHidden>['pending3ds']> {
  return {
    paymentIntent,
    paymentMethod: pm.id,
    email: payer.email ?? '',
    name: payer.name ?? '',
    address: payer.address ?? null,
  }
}

async function paySubscription(ctx: Ctx, session: Stripe.Checkout.Session, payer: Payer): Promise<PayResult> {
  const trial = hasTrial(checkoutSubscriptionData(ctx, session))
  const pm = payer.paymentMethod
  if (!pm && !(trial && session.payment_method_collection === 'if_required')) {
    throw invalidParam('payment_method', 'A payment method is required.')
  }
  if (pm && needsAuthentication(ctx, pm.id)) {
    checkoutHidden(ctx, session.id).pending3ds = pendingOf(null, pm, payer)
    return { outcome: 'requires_action' }
  }
  const decline = pm && !trial ? declineFor(cardHidden(ctx, pm.id).behaviour) : undefined
  if (decline) {
    return {
      outcome: 'declined',
      message: decline.message,
      code: decline.code,
      ...(decline.declineCode ? { declineCode: decline.declineCode } : {}),
    }
  }
  return startSubscription(ctx, session, payer, trial)
}

/** Creates the customer, attaches the card and hands over to billing, then completes the session. */
export async function startSubscription(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  payer: Payer,
  trial: boolean,
): Promise<PayResult> {
  const customerId = ensureCustomer(ctx, session, payer)
  if (payer.paymentMethod) attachPaymentMethod(ctx, payer.paymentMethod, customerId)
  const { subscription, invoice } = createSubscriptionFromCheckout(
    ctx,
    session,
    payer.paymentMethod?.id ?? null,
  )
  if (subscription.status === 'incomplete' || subscription.status === 'incomplete_expired') {
    return { outcome: 'declined', message: 'Your card was declined.', code: 'card_declined' }
  }
  session.subscription = subscription.id
  session.invoice = invoice?.id ?? null
  finishSession(ctx, session, payer, trial ? 'no_payment_required' : 'paid')
  return { outcome: 'complete' }
}

/** Marks the session complete, counts the discount's redemption and emits `checkout.session.completed`. */
export function finishSession(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  payer: Payer,
  paymentStatus: Stripe.Checkout.Session.PaymentStatus,
): void {
  redeemDiscount(ctx, session)
  session.status = 'complete'
  session.payment_status = paymentStatus
  session.url = null
  session.customer_details = customerDetails(payer.email, payer.name, payer.address ?? null)
  const hidden = checkoutHidden(ctx, session.id)
  delete hidden.pending3ds
  ctx.unschedule((job) => job.action === 'checkout.session.expire' && job.data.id === session.id)
  ctx.emit('checkout.session.completed', session)
}

function redeemDiscount(ctx: Ctx, session: Stripe.Checkout.Session): void {
  const d = session.discounts?.[0]
  if (!d) return
  const coupon =
    typeof d.coupon === 'string' ? (ctx.state.objects[d.coupon] as Stripe.Coupon | undefined) : undefined
  if (coupon) redeemCoupon(coupon)
  const promo =
    typeof d.promotion_code === 'string'
      ? (ctx.state.objects[d.promotion_code] as Stripe.PromotionCode | undefined)
      : undefined
  if (promo) promo.times_redeemed++
}

function sessionOf(ctx: Ctx, id: string): Stripe.Checkout.Session {
  return getObject<Stripe.Checkout.Session>(ctx.state, 'checkout.session', id, 'id', 'checkout.session')
}

route('get', '/v1/payment_pages/:id', (ctx, _params, path) => sessionOf(ctx, path.id!))
route('post', '/v1/payment_pages/:id/confirm', async (ctx, params, path) => {
  allowOnly(params, [
    'payment_method',
    'expected_amount',
    'expected_payment_method_type',
    'email',
    'return_url',
  ])
  const session = sessionOf(ctx, path.id!)
  const expected = optInt(params, 'expected_amount')
  if (expected !== undefined && expected !== session.amount_total) {
    throw invalidParam(
      'expected_amount',
      `The expected amount (${expected}) does not match the amount due (${session.amount_total}).`,
    )
  }
  const pm = resolvePaymentMethod(ctx, reqString(params, 'payment_method'), 'payment_method')
  const email =
    typeof params.email === 'string' ? params.email : (pm.billing_details.email ?? session.customer_email)
  const result = await payCheckoutSession(ctx, session, {
    email,
    name: pm.billing_details.name,
    paymentMethod: pm,
  })
  if (result.outcome === 'declined') {
    throw cardError(
      result.message,
      result.code,
      result.declineCode ? { decline_code: result.declineCode } : {},
    )
  }
  return session
})
