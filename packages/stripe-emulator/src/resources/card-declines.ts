/**
 * The declines Stripe's test cards get: the table a charge reads (codes, decline codes, messages)
 * and the refusal on attach for the cards that decline every charge.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { cardError } from '../errors.js'
import { type CardBehaviour, cardHidden } from './cards.js'
import type { Decline } from './charges.js'

/** The decline a charge on each card gets (after 3-D Secure, for the cards that ask for it). */
export const DECLINES: Partial<Record<CardBehaviour, Decline>> = {
  generic_decline: {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  customer_fail: {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  insufficient_funds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  lost_card: { code: 'card_declined', declineCode: 'lost_card', message: 'Your card was declined.' },
  stolen_card: { code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' },
  fraudulent: { code: 'card_declined', declineCode: 'fraudulent', message: 'Your card was declined.' },
  expired_card: {
    code: 'expired_card',
    declineCode: 'expired_card',
    message: 'Your card has expired.',
    param: 'exp_month',
  },
  incorrect_cvc: {
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
    param: 'cvc',
  },
  auth_then_insufficient_funds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  auth_then_decline: {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  auth_then_processing_error: {
    code: 'processing_error',
    declineCode: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
  processing_error: {
    code: 'processing_error',
    declineCode: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
}

/**
 * Attaching runs a $0 check with the issuer, so the cards that decline every charge are refused
 * there too (`pm_card_chargeDeclined` and friends); 0341 attaches and fails later, the 3-D Secure
 * cards ask only when money moves.
 */
export function refuseDecliningCard(ctx: Ctx, pm: Stripe.PaymentMethod): void {
  if (pm.type !== 'card') return
  const behaviour = cardHidden(ctx, pm.id).behaviour
  if (behaviour === 'customer_fail' || behaviour.startsWith('auth_')) return
  const decline = DECLINES[behaviour]
  if (!decline) return
  throw cardError(decline.message, decline.code, {
    ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
    ...(decline.param ? { param: decline.param } : {}),
  })
}
