/**
 * Card PaymentMethods and Stripe's test cards: the card numbers the hosted Checkout page accepts,
 * the magic ids (`pm_card_visa`, `tok_chargeDeclined`, …) the API accepts, and the behaviour each
 * one carries (succeeds, declines, needs 3DS, attaches but fails every charge); resolving and attaching.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { getObject, hiddenOf, insertObject } from '../state.js'

/** What happens when a card is charged. */
export type CardBehaviour =
  | 'succeed'
  | 'generic_decline'
  | 'insufficient_funds'
  | 'lost_card'
  | 'stolen_card'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'processing_error'
  | 'fraudulent'
  /** 4000 0000 0000 0341: attaching works, every charge is declined. */
  | 'customer_fail'
  /** 4000 0025 0000 3155: 3DS for on-session payments until authenticated once. */
  | 'auth_on_setup'
  /** 4000 0027 6000 3184, 4000 0000 0000 3220, …3063: 3DS for every payment, off-session too. */
  | 'auth_always'
  /** 4000 0082 6000 3178: 3DS every time, then declined for insufficient funds. */
  | 'auth_then_insufficient_funds'
  /** 4000 0084 0000 1629: 3DS every time, then declined. */
  | 'auth_then_decline'
  /** 4000 0084 0000 1280: 3DS every time, then a processing error. */
  | 'auth_then_processing_error'
  /** 4000 0038 0000 0446: already set up for off-session use: 3DS on-session every time, off-session charges succeed. */
  | 'auth_on_session'
  /** 4000 0000 0000 0259 / 2685 / 1976: the charge succeeds, then a dispute opens. */
  | 'dispute_fraudulent'
  | 'dispute_product_not_received'
  | 'dispute_inquiry'
  /** 4000 0000 0000 5126: the charge succeeds; a refund looks successful, then fails. */
  | 'refund_fail'

type TestCard = { number: string; brand: string; funding: string; behaviour: CardBehaviour; names: string[] }

const TEST_CARDS: TestCard[] = [
  { number: '4242424242424242', brand: 'visa', funding: 'credit', behaviour: 'succeed', names: ['visa'] },
  {
    number: '4000056655665556',
    brand: 'visa',
    funding: 'debit',
    behaviour: 'succeed',
    names: ['visa_debit'],
  },
  {
    number: '5555555555554444',
    brand: 'mastercard',
    funding: 'credit',
    behaviour: 'succeed',
    names: ['mastercard'],
  },
  { number: '378282246310005', brand: 'amex', funding: 'credit', behaviour: 'succeed', names: ['amex'] },
  card('0002', 'generic_decline', ['chargeDeclined', 'visa_chargeDeclined']),
  card('9995', 'insufficient_funds', [
    'chargeDeclinedInsufficientFunds',
    'visa_chargeDeclinedInsufficientFunds',
  ]),
  card('9987', 'lost_card', ['chargeDeclinedLostCard', 'visa_chargeDeclinedLostCard']),
  card('9979', 'stolen_card', ['chargeDeclinedStolenCard', 'visa_chargeDeclinedStolenCard']),
  card('0069', 'expired_card', ['chargeDeclinedExpiredCard', 'visa_chargeDeclinedExpiredCard']),
  card('0127', 'incorrect_cvc', ['chargeDeclinedIncorrectCvc', 'visa_chargeDeclinedIncorrectCvc']),
  card('0119', 'processing_error', ['chargeDeclinedProcessingError', 'visa_chargeDeclinedProcessingError']),
  {
    number: '4100000000000019',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'fraudulent',
    names: ['chargeDeclinedFraudulent'],
  },
  card('0341', 'customer_fail', ['chargeCustomerFail']),
  card('0259', 'dispute_fraudulent', ['createDispute']),
  card('2685', 'dispute_product_not_received', ['createDisputeProductNotReceived']),
  card('1976', 'dispute_inquiry', ['createDisputeInquiry']),
  card('5126', 'refund_fail', ['refundFail']),
  {
    number: '4000002500003155',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'auth_on_setup',
    names: ['authenticationRequiredOnSetup'],
  },
  card('3220', 'auth_always', ['threeDSecure2Required']),
  card('3063', 'auth_always', ['threeDSecureRequired']),
  card('3055', 'succeed', ['threeDSecureOptional']),
  // 3DS supported but not requested by default; the emulator never requests it, so charges succeed.
  card('3097', 'succeed', ['threeDSecureOptionalProcessingError']),
  {
    number: '4000008400001280',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'auth_then_processing_error',
    names: ['threeDSecureRequiredProcessingError'],
  },
  {
    number: '4000003800000446',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'auth_on_session',
    names: ['authenticationRequiredSetupForOffSession'],
  },
  {
    number: '4000008260003178',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'auth_then_insufficient_funds',
    names: ['authenticationRequiredChargeDeclinedInsufficientFunds'],
  },
  {
    number: '4000008400001629',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'auth_then_decline',
    names: ['threeDSecureRequiredChargeDeclined'],
  },
  {
    number: '4000002760003184',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'auth_always',
    names: ['authenticationRequired'],
  },
]

function card(last4: string, behaviour: CardBehaviour, names: string[]): TestCard {
  return { number: `400000000000${last4}`, brand: 'visa', funding: 'credit', behaviour, names }
}

/**
 * The hidden card PaymentMethod a legacy `card_…` source (customer-sources.ts) is charged
 * through, so `card_…` ids pay like PaymentMethods do on Stripe.
 */
export function sourcePaymentMethod(ctx: Ctx, sourceId: string): string | undefined {
  if (!sourceId.startsWith('card_')) return undefined
  const pm = ctx.state.hidden[sourceId]?.paymentMethod
  return typeof pm === 'string' ? pm : undefined
}

/** Hidden per-PaymentMethod data: how charges behave, and whether 3DS was already passed. */
export type CardHidden = { behaviour: CardBehaviour; authenticated?: boolean }

export function cardHidden(ctx: Ctx, paymentMethodId: string): CardHidden {
  const hidden = hiddenOf<Partial<CardHidden>>(ctx.state, paymentMethodId)
  hidden.behaviour ??= 'succeed'
  return hidden as CardHidden
}

export function findTestCard(number: string): TestCard | undefined {
  const digits = number.replace(/[\s-]/g, '')
  return TEST_CARDS.find((c) => c.number === digits)
}

/** The test card behind `pm_card_<name>` / `tok_<name>`, or undefined for other ids. */
export function magicCard(id: string): TestCard | undefined {
  const name = id.replace(/^(pm_card_|tok_)/, '')
  if (name === id) return undefined
  return TEST_CARDS.find((c) => c.names.includes(name))
}

/** Luhn check, so a mistyped number is refused like Stripe's page refuses it. */
export function passesLuhn(number: string): boolean {
  const digits = number.replace(/[\s-]/g, '')
  if (!/^\d{12,19}$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2
    sum += d
  }
  return sum % 10 === 0
}

function brandOf(digits: string): string {
  if (digits.startsWith('4')) return 'visa'
  if (/^5[1-5]/.test(digits) || /^2[2-7]/.test(digits)) return 'mastercard'
  if (/^3[47]/.test(digits)) return 'amex'
  return 'unknown'
}

export type CardInput = {
  number: string
  expMonth: number
  expYear: number
  name?: string | null
  email?: string | null
}

/** Creates a card PaymentMethod from a number typed on the hosted page (or sent as card[number]). */
export function createCardPaymentMethod(ctx: Ctx, input: CardInput): Stripe.PaymentMethod {
  const digits = input.number.replace(/[\s-]/g, '')
  const test = findTestCard(digits)
  const brand = test?.brand ?? brandOf(digits)
  const pm: Stripe.PaymentMethod = {
    id: newId('pm', 24),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: null,
      email: input.email ?? null,
      name: input.name ?? null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: brand,
      exp_month: input.expMonth,
      exp_year: input.expYear,
      fingerprint: digits.slice(-8),
      funding: test?.funding ?? 'credit',
      generated_from: null,
      last4: digits.slice(-4),
      networks: { available: [brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  }
  insertObject(ctx.state, pm)
  cardHidden(ctx, pm.id).behaviour = test?.behaviour ?? 'succeed'
  return pm
}

export function fromMagic(ctx: Ctx, test: TestCard): Stripe.PaymentMethod {
  const year = new Date(ctx.now() * 1000).getUTCFullYear() + 1
  return createCardPaymentMethod(ctx, { number: test.number, expMonth: 12, expYear: year })
}

/**
 * A PaymentMethod id as the API accepts it: a stored `pm_…`, or a magic `pm_card_*` / `tok_*`
 * id, which (as on Stripe) creates a fresh PaymentMethod every time it is used.
 */
export function resolvePaymentMethod(ctx: Ctx, id: string, param: string): Stripe.PaymentMethod {
  const test = magicCard(id)
  if (test) return fromMagic(ctx, test)
  const backing = sourcePaymentMethod(ctx, id)
  if (backing)
    return getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', backing, param, 'PaymentMethod')
  return getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', id, param, 'PaymentMethod')
}

export function attachPaymentMethod(
  ctx: Ctx,
  pm: Stripe.PaymentMethod,
  customerId: string,
): Stripe.PaymentMethod {
  if (pm.customer === customerId) return pm
  if (pm.customer) {
    throw invalidRequest(
      `The payment method you provided has already been attached to a customer.`,
      'payment_method_unexpected_state',
    )
  }
  pm.customer = customerId
  ctx.emit('payment_method.attached', pm)
  return pm
}
