/**
 * `POST /v1/payment_intents/:id`: what changes the payment (amount, currency, customer, method,
 * options, capture) only before the PaymentIntent succeeds or is canceled; a changed payment on a
 * PaymentIntent waiting for 3DS needs a new confirmation. Stripe sends no event for an update.
 * @module
 */
import type Stripe from 'stripe'
import { checkMinimumCharge, readCurrency } from '../currencies.js'
import { invalidParam, invalidRequest } from '../errors.js'
import {
  allowOnly,
  applyMetadata,
  nullableString,
  optEnum,
  optInt,
  optString,
  optStringArray,
} from '../params.js'
import { route } from '../registry.js'
import { getObject } from '../state.js'
import { resolvePaymentMethod } from './cards.js'
import {
  paymentMethodFromData,
  readPaymentMethodOptions,
  readPlainFields,
  refuseUnmodelled,
} from './payment-intent-params.js'

const UPDATABLE: Stripe.PaymentIntent.Status[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
]

route('post', '/v1/payment_intents/:id', (ctx, params, path) => {
  allowOnly(params, [
    'description',
    'metadata',
    'receipt_email',
    'customer',
    'payment_method',
    'amount',
    'currency',
    'setup_future_usage',
    'shipping',
    'statement_descriptor',
    'statement_descriptor_suffix',
    'payment_method_types',
    'transfer_group',
    'capture_method',
    'payment_method_options',
    'payment_method_data',
    'excluded_payment_method_types',
    'payment_method_configuration',
  ])
  refuseUnmodelled(params)
  const pi = getObject<Stripe.PaymentIntent>(ctx.state, 'payment_intent', path.id!, 'id', 'payment_intent')
  const changesPayment = [
    'amount',
    'currency',
    'customer',
    'payment_method',
    'payment_method_types',
    'capture_method',
    'payment_method_data',
    'payment_method_options',
    'setup_future_usage',
  ].some((k) => params[k] !== undefined)
  if (changesPayment && !UPDATABLE.includes(pi.status))
    throw invalidRequest(
      `You cannot update this PaymentIntent because it has a status of ${pi.status}.`,
      'payment_intent_unexpected_state',
    )
  const amount = optInt(params, 'amount')
  if (amount !== undefined && amount < 1)
    throw invalidParam('amount', 'Amount must be at least 1 in minor units.', 'amount_too_small')
  const given = optString(params, 'currency')
  const currency = given ? readCurrency(given, 'currency') : undefined
  if (amount !== undefined || currency !== undefined)
    checkMinimumCharge(amount ?? pi.amount, currency ?? pi.currency)
  const customer = optString(params, 'customer')
  if (customer) getObject(ctx.state, 'customer', customer, 'customer')
  const methodOptions = readPaymentMethodOptions(params, currency ?? pi.currency)
  const setFields = readPlainFields(params)
  const types = optStringArray(params, 'payment_method_types')
  const future = nullableString(params, 'setup_future_usage')
  const capture = optEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual'] as const)
  const description = nullableString(params, 'description')
  if (params.payment_method_data !== undefined && params.payment_method !== undefined)
    throw invalidRequest('You cannot pass both payment_method and payment_method_data.', 'parameter_invalid')
  const fromData = paymentMethodFromData(ctx, params)
  const pmId = optString(params, 'payment_method')
  const pm = fromData ?? (pmId ? resolvePaymentMethod(ctx, pmId, 'payment_method') : undefined)
  // Stripe sends no event for an update (there is no payment_intent.updated).
  if (amount !== undefined) pi.amount = amount
  if (currency !== undefined) pi.currency = currency
  if (customer !== undefined) pi.customer = customer
  if (methodOptions) pi.payment_method_options = methodOptions
  if (types) pi.payment_method_types = types
  if (future !== undefined)
    pi.setup_future_usage = future === null ? null : (future as Stripe.PaymentIntent.SetupFutureUsage)
  if (capture !== undefined) pi.capture_method = capture === 'manual' ? 'manual' : 'automatic'
  if (description !== undefined) pi.description = description
  pi.metadata = applyMetadata(pi.metadata, params)
  setFields(pi)
  if (pm) {
    pi.payment_method = pm.id
    pi.status = 'requires_confirmation'
    pi.next_action = null
  } else if (changesPayment && pi.status === 'requires_action') {
    // A changed amount or method needs a new confirmation, as on Stripe.
    pi.status = pi.payment_method ? 'requires_confirmation' : 'requires_payment_method'
    pi.next_action = null
  }
  return pi
})
