/**
 * The SetupIntent object and what confirming one does with each test card: the card is checked
 * with the issuer without moving money, so the always-declining cards fail the setup
 * (`setup_intent.setup_failed`, a 402 carrying the SetupIntent), the 3-D Secure cards ask first
 * (`requires_action`, `setup_intent.requires_action`; the challenge is `/3ds/:id`), and the rest
 * succeed: `payment_method.attached` (when there is a customer), then `setup_intent.succeeded`.
 * A 3155 card set up this way is authenticated for later off-session charges, as on Stripe.
 * The routes are in `setup-intents.ts`; Checkout's `mode=setup` uses the same functions.
 * @module
 */
import type Stripe from 'stripe'
import { markAuthenticated, needsAuthentication, paymentError } from '../card-outcomes.js'
import type { Ctx } from '../context.js'
import { cardError, invalidRequest, storedCode } from '../errors.js'
import { newId, randomString } from '../ids.js'
import { getObject, insertObject } from '../state.js'
import { DECLINES } from './card-declines.js'
import { attachPaymentMethod, cardHidden } from './cards.js'

export type SetupIntentInput = {
  customer: string | null
  description?: string | null
  metadata?: Record<string, string>
  usage?: Stripe.SetupIntent['usage']
  paymentMethodTypes?: string[]
}

/** Stores a new SetupIntent in `requires_payment_method` and emits `setup_intent.created`. */
export function insertSetupIntent(ctx: Ctx, input: SetupIntentInput): Stripe.SetupIntent {
  const id = newId('seti', 24)
  const si: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: input.paymentMethodTypes ? null : { allow_redirects: 'always', enabled: true },
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomString(24)}`,
    created: ctx.now(),
    customer: input.customer,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    } as Stripe.SetupIntent.PaymentMethodOptions,
    payment_method_types: input.paymentMethodTypes ?? ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: input.usage ?? 'off_session',
  } as Stripe.SetupIntent
  insertObject(ctx.state, si)
  ctx.emit('setup_intent.created', si)
  return si
}

export type SetupOutcome = 'succeeded' | 'requires_action' | 'failed'

/**
 * Confirms `si` with `pm`. A decline does not throw: the SetupIntent records it and the caller
 * decides (the API answers 402 through `setupDeclineError`, the hosted page shows the message).
 */
export function confirmSetupIntent(
  ctx: Ctx,
  si: Stripe.SetupIntent,
  pm: Stripe.PaymentMethod,
  returnUrl: string | null,
): SetupOutcome {
  if (si.status === 'succeeded' || si.status === 'canceled') {
    throw invalidRequest(
      `You cannot confirm this SetupIntent because it has a status of ${si.status}.`,
      'setup_intent_unexpected_state',
    )
  }
  si.payment_method = pm.id
  si.last_setup_error = null
  if (pm.type === 'card') {
    const behaviour = cardHidden(ctx, pm.id).behaviour
    const decline =
      behaviour === 'customer_fail' || behaviour.startsWith('auth_') ? undefined : DECLINES[behaviour]
    if (decline) {
      const error = paymentError(decline)
      si.status = 'requires_payment_method'
      si.payment_method = null
      si.last_setup_error = {
        ...error,
        doc_url: `https://docs.stripe.com/error-codes/${error.code.replaceAll('_', '-')}`,
        payment_method: JSON.parse(JSON.stringify(pm)) as Stripe.PaymentMethod,
      } as Stripe.SetupIntent.LastSetupError
      ctx.emit('setup_intent.setup_failed', si)
      return 'failed'
    }
    if (needsAuthentication(ctx, pm.id)) {
      const url = `${ctx.baseUrl}/3ds/${si.id}`
      si.status = 'requires_action'
      si.next_action = (
        returnUrl
          ? { type: 'redirect_to_url', redirect_to_url: { url, return_url: returnUrl } }
          : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } }
      ) as Stripe.SetupIntent.NextAction
      ctx.emit('setup_intent.requires_action', si)
      return 'requires_action'
    }
  }
  succeedSetupIntent(ctx, si, pm)
  return 'succeeded'
}

/** Attaches the card to the customer (if any) and marks the SetupIntent `succeeded`. */
export function succeedSetupIntent(ctx: Ctx, si: Stripe.SetupIntent, pm: Stripe.PaymentMethod): void {
  if (typeof si.customer === 'string') attachPaymentMethod(ctx, pm, si.customer)
  si.status = 'succeeded'
  si.next_action = null
  si.payment_method = pm.id
  ctx.emit('setup_intent.succeeded', si)
}

/** The 3DS page's "Complete": the card is authenticated (for later off-session use too). */
export function completeSetupAuthentication(ctx: Ctx, si: Stripe.SetupIntent): void {
  const pm = getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', String(si.payment_method))
  markAuthenticated(ctx, pm.id)
  succeedSetupIntent(ctx, si, pm)
}

/** The 3DS page's "Fail": back to `requires_payment_method` with the authentication error. */
export function failSetupAuthentication(ctx: Ctx, si: Stripe.SetupIntent): void {
  const pm = getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', String(si.payment_method))
  si.status = 'requires_payment_method'
  si.next_action = null
  si.payment_method = null
  si.last_setup_error = {
    type: 'invalid_request_error',
    code: 'setup_intent_authentication_failure',
    message:
      'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
    doc_url: 'https://docs.stripe.com/error-codes/setup-intent-authentication-failure',
    payment_method: JSON.parse(JSON.stringify(pm)) as Stripe.PaymentMethod,
  } as Stripe.SetupIntent.LastSetupError
  ctx.emit('setup_intent.setup_failed', si)
}

/** The 402 an API confirmation answers with after a decline, carrying the SetupIntent as Stripe does. */
export function setupDeclineError(si: Stripe.SetupIntent): Error {
  const e = si.last_setup_error
  return cardError(e?.message ?? 'Your card was declined.', storedCode(e?.code) ?? 'card_declined', {
    ...(e?.decline_code ? { decline_code: e.decline_code } : {}),
    setup_intent: JSON.parse(JSON.stringify(si)),
    doc_url: 'https://docs.stripe.com/error-codes/card-declined',
  })
}

export function cancelSetupIntent(
  ctx: Ctx,
  si: Stripe.SetupIntent,
  reason: Stripe.SetupIntent.CancellationReason | null,
): void {
  if (si.status === 'succeeded' || si.status === 'canceled') {
    throw invalidRequest(
      `You cannot cancel this SetupIntent because it has a status of ${si.status}.`,
      'setup_intent_unexpected_state',
    )
  }
  si.status = 'canceled'
  si.cancellation_reason = reason
  si.next_action = null
  ctx.emit('setup_intent.canceled', si)
}
