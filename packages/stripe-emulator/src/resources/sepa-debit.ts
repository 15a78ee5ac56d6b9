/**
 * SEPA Direct Debit, the emulator's delayed-notification payment method: confirming a PaymentIntent
 * with it leaves the PaymentIntent `processing` and its charge `pending`; the bank's answer comes
 * `asyncPaymentSeconds` later on the emulator-wide clock (so an advance or the wall clock settles
 * it), as `charge.succeeded` + `payment_intent.succeeded` or `charge.failed` +
 * `payment_intent.payment_failed`, followed for a Checkout Session by
 * `checkout.session.async_payment_succeeded` / `…_failed`.
 *
 * Any IBAN that passes the ISO 13616 check succeeds. Stripe's test IBANs for Austria and Germany
 * behave as its testing docs say: AT611904300234573201 / DE89370400440532013000 succeed,
 * AT861904300235473202 / DE62370400440532013001 fail, and the "delayed" ones answer after at least
 * three minutes (`max(asyncPaymentSeconds, 180)`): AT321904300235473204 / DE08370400440532013003
 * succeed (the Stripe CLI's payment_intent.processing fixture uses the Austrian one),
 * AT051904300235473205 / DE78370400440532013004 fail. IT60X0542811101000000123456, the IBAN of the
 * CLI's async_payment_failed fixture, is in no Stripe test table; the emulator fails it so that
 * fixture produces its event. Offered on Checkout in payment mode for EUR; subscriptions and
 * invoices are charged by card only.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam } from '../errors.js'
import { newId } from '../ids.js'
import { registerAction } from '../registry.js'
import { findObject, hiddenOf, insertObject, listObjects } from '../state.js'

/** Stripe's documented test IBAN whose debit fails after processing. */
export const FAILING_TEST_IBAN = 'AT861904300235473202'
export const SUCCEEDING_TEST_IBAN = 'AT611904300234573201'
/** Stripe's other failing test IBANs, and the one the Stripe CLI's failing fixture uses. */
const OTHER_FAILING_TEST_IBANS = new Set(['DE62370400440532013001', 'IT60X0542811101000000123456'])
/** Stripe's test IBANs that answer "after at least three minutes": true succeeds, false fails. */
const DELAYED_TEST_IBANS = new Map([
  ['AT321904300235473204', true],
  ['DE08370400440532013003', true],
  ['AT051904300235473205', false],
  ['DE78370400440532013004', false],
])
/** Stripe's "at least three minutes" for the delayed test IBANs. */
const DELAYED_ANSWER_SECONDS = 180

type SepaHidden = { sepaOutcome?: 'succeed' | 'fail'; sepaDelayed?: boolean }

export function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase()
}

/** ISO 13616: move the first four characters to the end, letters to numbers, remainder mod 97 is 1. */
export function isValidIban(raw: string): boolean {
  const iban = normalizeIban(raw)
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false
  const digits = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (ch) =>
    String(ch.charCodeAt(0) - 55),
  )
  let remainder = 0
  // Digit by digit keeps every intermediate value small; the whole number is far beyond 2^53.
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97
  return remainder === 1
}

export type SepaInput = { iban: string; name: string | null; email: string | null }

/** Stores a `sepa_debit` PaymentMethod; the IBAN must be valid (`sepa_debit[iban]` otherwise). */
export function createSepaDebitPaymentMethod(ctx: Ctx, input: SepaInput): Stripe.PaymentMethod {
  const iban = normalizeIban(input.iban)
  if (!isValidIban(iban))
    throw invalidParam('sepa_debit[iban]', 'The IBAN you provided is invalid.', 'invalid_iban')
  const pm = {
    id: newId('pm', 24),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: null, email: input.email, name: input.name, phone: null, tax_id: null },
    created: ctx.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    sepa_debit: {
      bank_code: iban.slice(4, 9),
      branch_code: '',
      country: iban.slice(0, 2),
      fingerprint: iban.slice(-8),
      generated_from: { charge: null, setup_attempt: null },
      last4: iban.slice(-4),
    },
    type: 'sepa_debit',
  } as Stripe.PaymentMethod
  insertObject(ctx.state, pm)
  const hidden = hiddenOf<SepaHidden>(ctx.state, pm.id)
  const delayed = DELAYED_TEST_IBANS.get(iban)
  if (delayed !== undefined) hidden.sepaDelayed = true
  hidden.sepaOutcome =
    delayed === false || iban === FAILING_TEST_IBAN || OTHER_FAILING_TEST_IBANS.has(iban) ? 'fail' : 'succeed'
  return pm
}

export function sepaChargeDetails(
  pm: Stripe.PaymentMethod,
  mandate: string | null = null,
): Stripe.Charge.PaymentMethodDetails {
  const s = pm.sepa_debit
  return {
    type: 'sepa_debit',
    sepa_debit: {
      bank_code: s?.bank_code ?? null,
      branch_code: s?.branch_code ?? null,
      country: s?.country ?? null,
      expected_debit_date: null,
      fingerprint: s?.fingerprint ?? null,
      last4: s?.last4 ?? null,
      mandate,
    },
  } as unknown as Stripe.Charge.PaymentMethodDetails
}

/**
 * Puts `pi` (already carrying `charge`, status pending) into `processing` and schedules the bank's
 * answer. Emits `charge.pending` and `payment_intent.processing`.
 */
export function startProcessing(ctx: Ctx, pi: Stripe.PaymentIntent, charge: Stripe.Charge): void {
  pi.status = 'processing'
  pi.next_action = null
  pi.last_payment_error = null
  pi.processing = null
  ctx.emit('charge.pending', charge)
  ctx.emit('payment_intent.processing', pi)
  const delayed = hiddenOf<SepaHidden>(ctx.state, String(pi.payment_method)).sepaDelayed === true
  const seconds = delayed
    ? Math.max(ctx.options.asyncPaymentSeconds, DELAYED_ANSWER_SECONDS)
    : ctx.options.asyncPaymentSeconds
  ctx.schedule(ctx.now(null) + seconds, null, 'payment_intent.settle', { id: pi.id })
}

const FAILURE = {
  code: 'insufficient_funds',
  message: "The customer's account has insufficient funds to cover this payment.",
}

function failDebit(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  charge: Stripe.Charge,
  pm: Stripe.PaymentMethod,
): void {
  charge.status = 'failed'
  charge.failure_code = FAILURE.code
  charge.failure_message = FAILURE.message
  charge.outcome = {
    ...(charge.outcome as Stripe.Charge.Outcome),
    network_status: 'declined_by_network',
    type: 'issuer_declined',
    reason: FAILURE.code,
    seller_message: 'The bank returned the debit.',
  }
  pi.status = 'requires_payment_method'
  pi.payment_method = null
  pi.last_payment_error = {
    type: 'invalid_request_error',
    code: FAILURE.code,
    message: FAILURE.message,
    charge: charge.id,
    payment_method: JSON.parse(JSON.stringify(pm)) as Stripe.PaymentMethod,
  } as Stripe.PaymentIntent.LastPaymentError
  ctx.emit('charge.failed', charge)
  ctx.emit('payment_intent.payment_failed', pi)
}

function completeDebit(ctx: Ctx, pi: Stripe.PaymentIntent, charge: Stripe.Charge): void {
  charge.status = 'succeeded'
  charge.paid = true
  charge.balance_transaction = newId('txn', 24)
  pi.status = 'succeeded'
  pi.amount_received = pi.amount
  ctx.emit('charge.succeeded', charge)
  ctx.emit('payment_intent.succeeded', pi)
}

registerAction('payment_intent.settle', (ctx, data) => {
  const pi = findObject<Stripe.PaymentIntent>(ctx.state, String(data.id), 'payment_intent')
  if (pi?.status !== 'processing') return
  const charge = findObject<Stripe.Charge>(ctx.state, String(pi.latest_charge), 'charge')
  const pm = findObject<Stripe.PaymentMethod>(ctx.state, String(pi.payment_method), 'payment_method')
  if (!charge || !pm) return
  const session = listObjects<Stripe.Checkout.Session>(
    ctx.state,
    'checkout.session',
    (s) => s.payment_intent === pi.id,
  )[0]
  if (hiddenOf<SepaHidden>(ctx.state, pm.id).sepaOutcome === 'fail') {
    failDebit(ctx, pi, charge, pm)
    if (session) ctx.emit('checkout.session.async_payment_failed', session)
    return
  }
  completeDebit(ctx, pi, charge)
  if (session) {
    session.payment_status = 'paid'
    ctx.emit('checkout.session.async_payment_succeeded', session)
  }
})
