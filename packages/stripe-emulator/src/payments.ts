/**
 * Charging a card: one PaymentIntent confirmation → a Charge that succeeds or fails according to
 * the test card's behaviour, or a 3DS step (`requires_action`). Used by the hosted Checkout page,
 * the PaymentIntents API and (through `attemptPayment`) by billing for invoices.
 *
 * Events, in Stripe's order: `payment_intent.created`, then `charge.succeeded` +
 * `payment_intent.succeeded`, or `charge.failed` + `payment_intent.payment_failed`, or
 * `payment_intent.requires_action`.
 * @module
 */
import type Stripe from 'stripe'
import {
  AUTHENTICATION_REQUIRED,
  consumeAuthentication,
  DISPUTES,
  declineFor,
  lastPaymentError,
  markAuthenticated,
  needsAuthentication,
  type PaymentError,
  paymentError,
} from './card-outcomes.js'
import type { Ctx } from './context.js'
import { invalidRequest } from './errors.js'
import { cardHidden, resolvePaymentMethod } from './resources/cards.js'
import {
  amountRemaining,
  cashAvailable,
  checkBankTransfer,
  recordCashTransaction,
  setTransferInstructions,
} from './resources/cash-balance.js'
import { type Decline, insertCharge } from './resources/charges.js'
import { openDispute } from './resources/disputes.js'
import { insertPaymentIntent } from './resources/payment-intent-objects.js'
import { startProcessing } from './resources/sepa-debit.js'
import { getObject } from './state.js'

/** `processing`: a bank debit waits for the bank's answer (see resources/sepa-debit.ts). */
export type PaymentOutcome = 'succeeded' | 'declined' | 'requires_action' | 'processing'

export type PaymentAttempt = {
  paymentIntent: Stripe.PaymentIntent
  charge?: Stripe.Charge
  outcome: PaymentOutcome
  error?: PaymentError
}

export type PaymentInput = {
  customer: string | null
  amount: number
  currency: string
  /** A stored `pm_…` or a magic id (`pm_card_visa`, `tok_visa`, …). */
  paymentMethod: string
  description?: string | null
  /** Billing's invoice id; kept in metadata-free hidden data only (PaymentIntent.invoice was removed in basil). */
  invoice?: string | null
  metadata?: Record<string, string>
  /** Renewals are off-session; the hosted page is on-session. */
  offSession?: boolean
}

/**
 * Creates and confirms a PaymentIntent for `amount` on the payment method. Emits the PaymentIntent
 * and Charge events; never throws for a decline (the outcome says what happened).
 */
export function attemptPayment(ctx: Ctx, input: PaymentInput): PaymentAttempt {
  const pm = resolvePaymentMethod(ctx, input.paymentMethod, 'payment_method')
  const pi = insertPaymentIntent(ctx, {
    amount: input.amount,
    currency: input.currency,
    customer: input.customer,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
  })
  if (input.invoice) ctx.state.hidden[pi.id] = { ...ctx.state.hidden[pi.id], invoice: input.invoice }
  if (pm.type !== 'card') {
    // Invoices would need the delayed-payment states on the invoice too; not modelled.
    return chargePaymentIntent(ctx, pi, pm, {
      code: 'payment_method_unsupported_type',
      message: 'The emulator charges invoices and subscriptions by card only.',
    })
  }
  return confirmPaymentIntent(ctx, pi, pm, { offSession: input.offSession ?? false })
}

/** Confirms `pi` with `pm`: a 3DS step when the card needs one, else a charge. */
export function confirmPaymentIntent(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  options: { offSession: boolean },
): PaymentAttempt {
  if (pm.type === 'sepa_debit') return debitBankAccount(ctx, pi, pm)
  if (pm.type === 'customer_balance') {
    checkBankTransfer(pi)
    pi.payment_method = pm.id
    return applyCashBalance(ctx, pi, pm)
  }
  pi.payment_method = pm.id
  const behaviour = cardHidden(ctx, pm.id).behaviour
  if (options.offSession && behaviour === 'auth_on_session') return chargePaymentIntent(ctx, pi, pm)
  if (needsAuthentication(ctx, pm.id) && options.offSession && behaviour === 'auth_on_setup') {
    // Never set up for off-session use: the issuer declines instead of asking for 3DS.
    return chargePaymentIntent(ctx, pi, pm, AUTHENTICATION_REQUIRED)
  }
  if (needsAuthentication(ctx, pm.id)) {
    pi.status = 'requires_action'
    pi.next_action = {
      type: 'use_stripe_sdk',
      use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${ctx.baseUrl}/3ds/${pi.id}` },
    } as Stripe.PaymentIntent.NextAction
    ctx.emit('payment_intent.requires_action', pi)
    return {
      paymentIntent: pi,
      outcome: 'requires_action',
      error: {
        type: 'card_error',
        code: 'authentication_required',
        decline_code: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
      },
    }
  }
  consumeAuthentication(ctx, pm.id)
  return chargePaymentIntent(ctx, pi, pm)
}

/**
 * A bank-transfer PaymentIntent takes what the customer's cash balance holds: paid in full it
 * succeeds (a charge, `payment_intent.succeeded`); otherwise it waits in `requires_action` for the
 * rest (`payment_intent.requires_action` at confirmation, `payment_intent.partially_funded` when a
 * later funding covers part of it). See resources/cash-balance.ts.
 */
export function applyCashBalance(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
): PaymentAttempt {
  const customer = String(pi.customer)
  const waiting = amountRemaining(pi)
  const remaining = waiting ?? pi.amount
  const applied = Math.min(cashAvailable(ctx, customer)[pi.currency] ?? 0, remaining)
  if (applied > 0)
    recordCashTransaction(ctx, customer, pi.currency, -applied, {
      type: 'applied_to_payment',
      paymentIntent: pi.id,
    })
  if (applied === remaining) return chargePaymentIntent(ctx, pi, pm)
  setTransferInstructions(ctx, pi, remaining - applied)
  if (waiting === undefined) ctx.emit('payment_intent.requires_action', pi)
  else if (applied > 0) ctx.emit('payment_intent.partially_funded', pi)
  return { paymentIntent: pi, outcome: 'requires_action' }
}

/** SEPA Direct Debit takes euros only (checked before a confirmation changes anything). */
export function checkDebitCurrency(pi: Stripe.PaymentIntent): void {
  if (pi.currency !== 'eur') {
    throw invalidRequest(
      `The currency provided (${pi.currency}) is invalid. Payments with sepa_debit support the following currencies: eur.`,
      undefined,
      'currency',
    )
  }
}

/** A SEPA debit: the charge is pending and the PaymentIntent `processing` until the bank answers. */
function debitBankAccount(ctx: Ctx, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod): PaymentAttempt {
  checkDebitCurrency(pi)
  pi.payment_method = pm.id
  if (!pi.payment_method_types.includes('sepa_debit'))
    pi.payment_method_types = [...pi.payment_method_types, 'sepa_debit']
  const charge = insertCharge(ctx, { paymentIntent: pi, paymentMethod: pm, pending: true })
  pi.latest_charge = charge.id
  startProcessing(ctx, pi, charge)
  return { paymentIntent: pi, charge, outcome: 'processing' }
}

/** Charges the card for `pi` now (after 3DS, or when none was needed). */
export function chargePaymentIntent(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  forced?: Decline,
): PaymentAttempt {
  const decline = forced ?? declineFor(cardHidden(ctx, pm.id).behaviour)
  const charge = insertCharge(ctx, { paymentIntent: pi, paymentMethod: pm, ...(decline ? { decline } : {}) })
  pi.latest_charge = charge.id
  pi.next_action = null
  if (decline) {
    const error = paymentError(decline)
    pi.status = 'requires_payment_method'
    pi.payment_method = null
    pi.last_payment_error = lastPaymentError(error, charge.id, pm)
    ctx.emit('charge.failed', charge)
    ctx.emit('payment_intent.payment_failed', pi)
    return { paymentIntent: pi, charge, outcome: 'declined', error }
  }
  pi.last_payment_error = null
  if (pi.capture_method === 'manual') {
    // Authorized only: the funds wait for POST /v1/payment_intents/:id/capture.
    pi.status = 'requires_capture'
    pi.amount_capturable = pi.amount
    ctx.emit('charge.succeeded', charge)
    ctx.emit('payment_intent.amount_capturable_updated', pi)
    return { paymentIntent: pi, charge, outcome: 'succeeded' }
  }
  pi.status = 'succeeded'
  pi.amount_received = pi.amount
  ctx.emit('charge.succeeded', charge)
  ctx.emit('payment_intent.succeeded', pi)
  const dispute = DISPUTES[cardHidden(ctx, pm.id).behaviour]
  if (dispute) openDispute(ctx, charge, dispute)
  return { paymentIntent: pi, charge, outcome: 'succeeded' }
}

/** Captures an authorized PaymentIntent: `charge.captured`, then `payment_intent.succeeded`. */
export function capturePaymentIntent(ctx: Ctx, pi: Stripe.PaymentIntent, amount: number): void {
  const charge = getObject<Stripe.Charge>(ctx.state, 'charge', String(pi.latest_charge))
  charge.captured = true
  charge.amount_captured = amount
  pi.amount_capturable = 0
  pi.amount_received = amount
  pi.status = 'succeeded'
  ctx.emit('charge.captured', charge)
  ctx.emit('payment_intent.succeeded', pi)
}

/** The 3DS page's "Complete": charge the card. */
export function completeAuthentication(ctx: Ctx, paymentIntentId: string): PaymentAttempt {
  const pi = getObject<Stripe.PaymentIntent>(ctx.state, 'payment_intent', paymentIntentId)
  const pm = getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', String(pi.payment_method))
  markAuthenticated(ctx, pm.id)
  if (pi.confirmation_method === 'manual') {
    // Manual confirmation: back to the server, which confirms again (the pass is kept until then).
    pi.status = 'requires_confirmation'
    pi.next_action = null
    return { paymentIntent: pi, outcome: 'requires_action' }
  }
  consumeAuthentication(ctx, pm.id)
  return chargePaymentIntent(ctx, pi, pm)
}

/** The 3DS page's "Fail": the PaymentIntent goes back to `requires_payment_method`. */
export function failAuthentication(ctx: Ctx, paymentIntentId: string): PaymentAttempt {
  const pi = getObject<Stripe.PaymentIntent>(ctx.state, 'payment_intent', paymentIntentId)
  const pm = getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', String(pi.payment_method))
  const error: PaymentError = {
    type: 'card_error',
    code: 'payment_intent_authentication_failure',
    message:
      'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
  }
  pi.status = 'requires_payment_method'
  pi.next_action = null
  pi.payment_method = null
  pi.last_payment_error = lastPaymentError(error, null, pm)
  ctx.emit('payment_intent.payment_failed', pi)
  return { paymentIntent: pi, outcome: 'declined', error }
}
