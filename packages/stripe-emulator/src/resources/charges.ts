/**
 * Charges: built by `payments.ts` when a PaymentIntent is confirmed; retrieve and list (filters
 * `customer`, `payment_intent`, `created`). `refunds` is includable.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { updateWithEvent } from '../diff.js'
import { type ErrorCode, unsupportedParam } from '../errors.js'
import { newId, randomString } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, applyMetadata, inRange, nullableString, optRange, optString } from '../params.js'
import { includable, route } from '../registry.js'
import { getObject, insertObject, listObjects } from '../state.js'
import { mandateOfPaymentIntent } from './mandates.js'
import { readShipping } from './payment-intent-params.js'
import { sepaChargeDetails } from './sepa-debit.js'

export type Decline = { code: ErrorCode; declineCode?: string; message: string; param?: string }

function cardDetails(pm: Stripe.PaymentMethod): Stripe.Charge.PaymentMethodDetails {
  const c = pm.card
  return {
    type: 'card',
    card: {
      amount_authorization: null,
      authorization_code: null,
      brand: c?.brand ?? null,
      capture_before: null,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: c?.country ?? null,
      exp_month: c?.exp_month ?? 12,
      exp_year: c?.exp_year ?? 2099,
      extended_authorization: null,
      fingerprint: c?.fingerprint ?? null,
      funding: c?.funding ?? null,
      incremental_authorization: null,
      installments: null,
      last4: c?.last4 ?? null,
      mandate: null,
      multicapture: null,
      network: c?.brand ?? null,
      network_token: null,
      network_transaction_id: null,
      overcapture: null,
      regulated_status: 'unregulated',
      three_d_secure: null,
      wallet: null,
    } as unknown as Stripe.Charge.PaymentMethodDetails.Card,
  } as Stripe.Charge.PaymentMethodDetails
}

function outcomeOf(decline: Decline | undefined): Stripe.Charge.Outcome {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: decline ? 'declined_by_network' : 'approved_by_network',
    reason: decline ? (decline.declineCode ?? decline.code) : null,
    risk_level: 'normal',
    risk_score: 32,
    seller_message: decline
      ? 'The bank did not return any further details with this decline.'
      : 'Payment complete.',
    type: decline ? 'issuer_declined' : 'authorized',
  } as Stripe.Charge.Outcome
}

export type ChargeInput = {
  paymentIntent: Stripe.PaymentIntent
  paymentMethod: Stripe.PaymentMethod
  decline?: Decline
  /** A bank debit waiting for the bank's answer (`sepa-debit.ts` settles it). */
  pending?: boolean
}

/** Stores a charge for one confirmation attempt: `succeeded`, `pending`, or `failed` with the decline. */
export function insertCharge(ctx: Ctx, input: ChargeInput): Stripe.Charge {
  const { paymentIntent: pi, paymentMethod: pm, decline } = input
  const pending = input.pending === true
  const ok = decline === undefined && !pending
  // A manual-capture PaymentIntent only authorizes; capture happens later.
  const captured = (ok || pending) && pi.capture_method !== 'manual'
  const id = newId('ch', 24)
  const charge: Stripe.Charge = {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: captured ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: ok ? `txn_${randomString(24)}` : null,
    billing_details: {
      address: null,
      email: pm.billing_details.email,
      name: pm.billing_details.name,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: 'TOLLGATE',
    captured,
    created: ctx.now(),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: outcomeOf(decline),
    paid: ok,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details:
      pm.type === 'sepa_debit'
        ? sepaChargeDetails(pm, mandateOfPaymentIntent(ctx, pi.id))
        : pm.type === 'customer_balance'
          ? ({ type: 'customer_balance', customer_balance: {} } as Stripe.Charge.PaymentMethodDetails)
          : cardDetails(pm),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/emulated/${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: pending ? 'pending' : ok ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  }
  insertObject(ctx.state, charge)
  return charge
}

route('get', '/v1/charges/:id', (ctx, _params, path) => getObject(ctx.state, 'charge', path.id!))
/**
 * The fields a back office edits on a charge (`charge.updated` with what changed). Setting a
 * `customer` on a guest charge and `fraud_details` reports are not modelled: refused by name.
 */
route('post', '/v1/charges/:id', (ctx, params, path) => {
  allowOnly(params, [
    'description',
    'metadata',
    'receipt_email',
    'shipping',
    'transfer_group',
    'customer',
    'fraud_details',
  ])
  for (const key of ['customer', 'fraud_details']) if (params[key] !== undefined) throw unsupportedParam(key)
  const charge = getObject<Stripe.Charge>(ctx.state, 'charge', path.id!)
  const description = nullableString(params, 'description')
  const receipt = nullableString(params, 'receipt_email')
  const group = nullableString(params, 'transfer_group')
  const shipping = readShipping(params)
  const metadata = applyMetadata(charge.metadata, params)
  return updateWithEvent(ctx, charge, 'charge.updated', (c) => {
    if (description !== undefined) c.description = description
    if (receipt !== undefined) c.receipt_email = receipt
    if (group !== undefined) c.transfer_group = group
    if (shipping !== undefined) c.shipping = shipping
    c.metadata = metadata
  })
})
route('get', '/v1/charges', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'customer', 'payment_intent', 'created', 'transfer_group'])
  const customer = optString(params, 'customer')
  const paymentIntent = optString(params, 'payment_intent')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.Charge>(
    ctx.state,
    'charge',
    (c) =>
      (customer === undefined || c.customer === customer) &&
      (paymentIntent === undefined || c.payment_intent === paymentIntent) &&
      inRange(c.created, created),
  )
  return paginate(items, params, '/v1/charges')
})
includable('charge', 'refunds', (ctx, charge) => {
  const refunds = listObjects<Stripe.Refund>(ctx.state, 'refund', (r) => r.charge === charge.id)
  return { object: 'list', url: `/v1/charges/${String(charge.id)}/refunds`, has_more: false, data: refunds }
})
