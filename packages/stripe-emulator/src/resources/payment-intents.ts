/**
 * PaymentIntents: create (with `confirm=true` as the Stripe CLI sends it, legacy
 * `payment_method_types[]` accepted), confirm, cancel, retrieve, list (`customer`, `created`).
 * The charging itself lives in `payments.ts`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { checkMinimumCharge, readCurrency } from '../currencies.js'
import { cardError, invalidParam, invalidRequest } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  onlyDefault,
  optBool,
  optEnum,
  optInt,
  optRange,
  optString,
  optStringArray,
  type Params,
  reqInt,
  reqString,
} from '../params.js'
import {
  capturePaymentIntent,
  checkDebitCurrency,
  confirmPaymentIntent,
  type PaymentAttempt,
} from '../payments.js'
import { route } from '../registry.js'
import { getObject, listObjects } from '../state.js'
import { resolvePaymentMethod } from './cards.js'
import { createMandate, readMandateData, setConfirmationMandate } from './mandates.js'
import { cancelPaymentIntent, insertPaymentIntent } from './payment-intent-objects.js'
import {
  confirmOptionsOf,
  paymentMethodFromData,
  readConfirmOptions,
  readPaymentMethodOptions,
  readPlainFields,
  refuseUnmodelled,
} from './payment-intent-params.js'

const CREATE = [
  'amount',
  'currency',
  'customer',
  'description',
  'metadata',
  'payment_method',
  'payment_method_types',
  'confirm',
  'off_session',
  'automatic_payment_methods',
  'receipt_email',
  'setup_future_usage',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'return_url',
  'capture_method',
  'confirmation_method',
  'payment_method_options',
  'shipping',
  'mandate_data',
  'error_on_requires_action',
  'use_stripe_sdk',
  'transfer_group',
  'excluded_payment_method_types',
  'payment_method_configuration',
  'payment_method_data',
] as const

function createFromParams(ctx: Ctx, params: Params): Stripe.PaymentIntent {
  allowOnly(params, CREATE)
  refuseUnmodelled(params)
  const amount = reqInt(params, 'amount')
  if (amount < 1)
    throw invalidParam('amount', 'Amount must be at least 1 in minor units.', 'amount_too_small')
  const customer = optString(params, 'customer')
  if (customer) getObject(ctx.state, 'customer', customer, 'customer')
  const types = optStringArray(params, 'payment_method_types')
  const currency = readCurrency(reqString(params, 'currency'), 'currency')
  checkMinimumCharge(amount, currency)
  const methodOptions = readPaymentMethodOptions(params, currency)
  if (params.payment_method_data !== undefined && params.payment_method !== undefined)
    throw invalidRequest('You cannot pass both payment_method and payment_method_data.', 'parameter_invalid')
  const setFields = readPlainFields(params)
  if (params.confirm === undefined || !optBool(params, 'confirm')) {
    for (const key of [
      'return_url',
      'off_session',
      'error_on_requires_action',
      'use_stripe_sdk',
      'mandate_data',
    ])
      if (params[key] !== undefined)
        throw invalidRequest(`You can only pass ${key} when confirm=true.`, undefined, key)
  }
  const fromData = paymentMethodFromData(ctx, params)
  const pi = insertPaymentIntent(ctx, {
    amount,
    currency,
    customer: customer ?? null,
    description: nullableString(params, 'description') ?? null,
    metadata: applyMetadata({}, params),
    receiptEmail: nullableString(params, 'receipt_email') ?? null,
    setupFutureUsage: optEnum(params, 'setup_future_usage', ['off_session', 'on_session'] as const) ?? null,
    captureMethod:
      optEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual'] as const) === 'manual'
        ? 'manual'
        : 'automatic',
    ...(types ? { paymentMethodTypes: types } : {}),
  })
  setFields(pi)
  if (methodOptions) pi.payment_method_options = methodOptions
  const pmId = optString(params, 'payment_method')
  if (pmId || fromData) {
    pi.payment_method = fromData?.id ?? resolvePaymentMethod(ctx, pmId!, 'payment_method').id
    pi.status = 'requires_confirmation'
  }
  if (optBool(params, 'confirm')) {
    const confirmKeys = [
      'off_session',
      'return_url',
      'error_on_requires_action',
      'use_stripe_sdk',
      'mandate_data',
    ] as const
    return confirmFromParams(
      ctx,
      pi,
      Object.fromEntries(
        confirmKeys.flatMap((k) => (params[k] === undefined ? [] : [[k, params[k]]])),
      ) as Params,
    )
  }
  return pi
}

const CONFIRM = [
  'payment_method',
  'off_session',
  'return_url',
  'mandate_data',
  'payment_method_types',
  'receipt_email',
  'setup_future_usage',
  'use_stripe_sdk',
  'error_on_requires_action',
  'payment_method_options',
] as const

function confirmFromParams(ctx: Ctx, pi: Stripe.PaymentIntent, params: Params): Stripe.PaymentIntent {
  allowOnly(params, CONFIRM)
  if (pi.status === 'succeeded' || pi.status === 'canceled') {
    throw invalidRequest(
      `This PaymentIntent's status is ${pi.status}, so it cannot be confirmed.`,
      'payment_intent_unexpected_state',
    )
  }
  const pmId =
    optString(params, 'payment_method') ?? (typeof pi.payment_method === 'string' ? pi.payment_method : null)
  if (!pmId) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.",
      'payment_intent_unexpected_state',
    )
  }
  const acceptance = readMandateData(params)
  const options = readPaymentMethodOptions(params, pi.currency)
  if (options) pi.payment_method_options = options
  readConfirmOptions(ctx, pi, params)
  const setFields = readPlainFields(params)
  setFields(pi)
  const pm = resolvePaymentMethod(ctx, pmId, 'payment_method')
  if (pm.type === 'sepa_debit') checkDebitCurrency(pi)
  // Each confirmation names its own mandate (or none); the charge it makes carries the id.
  setConfirmationMandate(ctx, pi, acceptance ? createMandate(ctx, pi, pm, acceptance).id : null)
  const attempt = confirmPaymentIntent(ctx, pi, pm, { offSession: optBool(params, 'off_session') ?? false })
  if (attempt.outcome === 'declined') throw declineError(attempt)
  if (attempt.outcome === 'requires_action') steerAction(ctx, pi, attempt)
  return pi
}

/**
 * A 3DS step after an API confirmation: `error_on_requires_action` fails the attempt instead (402
 * `authentication_required`, the PaymentIntent back to `requires_payment_method`); a `return_url`
 * without `use_stripe_sdk=true` makes it a `redirect_to_url` that returns there.
 */
function steerAction(ctx: Ctx, pi: Stripe.PaymentIntent, attempt: PaymentAttempt): void {
  const options = confirmOptionsOf(ctx, pi.id)
  const url = pi.next_action?.use_stripe_sdk
    ? String((pi.next_action.use_stripe_sdk as { stripe_js?: string }).stripe_js)
    : undefined
  if (options.errorOnRequiresAction) {
    const error = attempt.error!
    pi.status = 'requires_payment_method'
    pi.next_action = null
    pi.payment_method = null
    pi.last_payment_error = { ...error, doc_url: null, payment_method_type: 'card' } as never
    ctx.emit('payment_intent.payment_failed', pi)
    throw cardError(error.message, 'authentication_required', {
      decline_code: 'authentication_required',
      payment_intent: JSON.parse(JSON.stringify(pi)),
    })
  }
  if (options.returnUrl && options.useStripeSdk !== true && url)
    pi.next_action = {
      type: 'redirect_to_url',
      redirect_to_url: { url, return_url: options.returnUrl },
    } as Stripe.PaymentIntent.NextAction
}

/** The 402 a declined API confirmation answers with, carrying the PaymentIntent as Stripe does. */
function declineError(attempt: PaymentAttempt): Error {
  const e = attempt.error
  return cardError(e?.message ?? 'Your card was declined.', e?.code ?? 'card_declined', {
    ...(e?.decline_code ? { decline_code: e.decline_code } : {}),
    charge: attempt.charge?.id,
    payment_intent: JSON.parse(JSON.stringify(attempt.paymentIntent)),
    doc_url: 'https://docs.stripe.com/error-codes/card-declined',
  })
}

route('post', '/v1/payment_intents', (ctx, params) => createFromParams(ctx, params))
route('get', '/v1/payment_intents/:id', (ctx, _params, path) =>
  getObject(ctx.state, 'payment_intent', path.id!, 'id', 'payment_intent'),
)
route('post', '/v1/payment_intents/:id/confirm', (ctx, params, path) => {
  allowOnly(params, CONFIRM)
  const pi = getObject<Stripe.PaymentIntent>(ctx.state, 'payment_intent', path.id!, 'id', 'payment_intent')
  return confirmFromParams(ctx, pi, params)
})
route('post', '/v1/payment_intents/:id/cancel', (ctx, params, path) => {
  allowOnly(params, ['cancellation_reason'])
  const pi = getObject<Stripe.PaymentIntent>(ctx.state, 'payment_intent', path.id!, 'id', 'payment_intent')
  if (pi.status === 'succeeded' || pi.status === 'canceled') {
    throw invalidRequest(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`,
      'payment_intent_unexpected_state',
    )
  }
  cancelPaymentIntent(
    ctx,
    pi,
    optEnum(params, 'cancellation_reason', [
      'abandoned',
      'duplicate',
      'fraudulent',
      'requested_by_customer',
    ] as const) ?? null,
  )
  return pi
})
route('post', '/v1/payment_intents/:id/capture', (ctx, params, path) => {
  allowOnly(params, [
    'amount_to_capture',
    'metadata',
    'final_capture',
    'statement_descriptor',
    'statement_descriptor_suffix',
  ])
  const pi = getObject<Stripe.PaymentIntent>(ctx.state, 'payment_intent', path.id!, 'id', 'payment_intent')
  if (pi.status !== 'requires_capture') {
    throw invalidRequest(
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      'payment_intent_unexpected_state',
    )
  }
  const amount = optInt(params, 'amount_to_capture') ?? pi.amount_capturable
  if (amount < 1 || amount > pi.amount_capturable) {
    throw invalidParam(
      'amount_to_capture',
      'The amount to capture must be positive and at most the amount capturable.',
    )
  }
  onlyDefault(params, 'final_capture', (v) => String(v).toLowerCase() === 'true')
  const setFields = readPlainFields(params)
  pi.metadata = applyMetadata(pi.metadata, params)
  setFields(pi)
  capturePaymentIntent(ctx, pi, amount)
  return pi
})
route('get', '/v1/payment_intents', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'customer', 'created'])
  const customer = optString(params, 'customer')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.PaymentIntent>(
    ctx.state,
    'payment_intent',
    (p) => (customer === undefined || p.customer === customer) && inRange(p.created, created),
  )
  return paginate(items, params, '/v1/payment_intents')
})
