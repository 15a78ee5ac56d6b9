/**
 * What each test card does to a charge: the decline it gets (Stripe's codes, decline codes and
 * messages), whether it needs 3-D Secure first, the dispute it opens, and the `last_payment_error`
 * a PaymentIntent carries after a decline.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from './context.js'
import type { ErrorCode } from './errors.js'
import { DECLINES } from './resources/card-declines.js'
import { type CardBehaviour, cardHidden } from './resources/cards.js'
import type { Decline } from './resources/charges.js'
import type { DisputeKind } from './resources/disputes.js'

export type PaymentError = {
  type: 'card_error'
  code: ErrorCode
  decline_code?: string
  message: string
  param?: string
}

export const AUTHENTICATION_REQUIRED: Decline = {
  code: 'authentication_required',
  declineCode: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
}

/** Cards that ask for 3-D Secure on every payment, off-session ones too. */
const ALWAYS_AUTHENTICATE = new Set<CardBehaviour>([
  'auth_always',
  'auth_then_insufficient_funds',
  'auth_then_decline',
  'auth_then_processing_error',
  // On-session payments only; off-session ones skip 3DS (payments.ts).
  'auth_on_session',
])

/** The decline a charge on this card would get, or undefined when it would succeed. */
export function declineFor(behaviour: CardBehaviour): Decline | undefined {
  return DECLINES[behaviour]
}

/** Whether confirming with this card needs a 3DS step first. */
export function needsAuthentication(ctx: Ctx, paymentMethodId: string): boolean {
  const hidden = cardHidden(ctx, paymentMethodId)
  if (hidden.behaviour === 'auth_on_setup') return hidden.authenticated !== true
  if (ALWAYS_AUTHENTICATE.has(hidden.behaviour)) return hidden.authenticated !== true
  return false
}

/** Records a passed 3DS challenge: `auth_on_setup` cards stay set up; `auth_always` passes once. */
export function markAuthenticated(ctx: Ctx, paymentMethodId: string): void {
  cardHidden(ctx, paymentMethodId).authenticated = true
}

export function consumeAuthentication(ctx: Ctx, paymentMethodId: string): void {
  const hidden = cardHidden(ctx, paymentMethodId)
  if (ALWAYS_AUTHENTICATE.has(hidden.behaviour)) hidden.authenticated = false
}

export const DISPUTES: Partial<Record<CardBehaviour, DisputeKind>> = {
  dispute_fraudulent: 'fraudulent',
  dispute_product_not_received: 'product_not_received',
  dispute_inquiry: 'inquiry',
}
export function paymentError(decline: Decline): PaymentError {
  return {
    type: 'card_error',
    code: decline.code,
    message: decline.message,
    ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
    ...(decline.param ? { param: decline.param } : {}),
  }
}

export function lastPaymentError(
  error: PaymentError,
  chargeId: string | null,
  pm: Stripe.PaymentMethod,
): Stripe.PaymentIntent.LastPaymentError {
  return {
    type: 'card_error',
    code: error.code,
    message: error.message,
    ...(error.decline_code ? { decline_code: error.decline_code } : {}),
    ...(error.param ? { param: error.param } : {}),
    ...(chargeId ? { charge: chargeId } : {}),
    doc_url: `https://docs.stripe.com/error-codes/${error.code.replaceAll('_', '-')}`,
    payment_method: JSON.parse(JSON.stringify(pm)) as Stripe.PaymentMethod,
  } as Stripe.PaymentIntent.LastPaymentError
}
