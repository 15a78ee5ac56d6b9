/**
 * Refunds of card charges: create (`charge` or `payment_intent`, optional partial `amount`,
 * `reason`, `metadata`), retrieve, list (`charge`, `payment_intent`, `created`). Card refunds
 * succeed at once; events `refund.created` then `charge.refunded` (its `amount_refunded` grows,
 * `refunded` turns true only when fully refunded).
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { previousAttributes, snapshotOf } from '../diff.js'
import { invalidParam, invalidRequest, missingParam, unsupportedParam } from '../errors.js'
import { newId, randomString } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  onlyDefault,
  optEnum,
  optInt,
  optRange,
  optString,
  type Params,
} from '../params.js'
import { registerAction, route } from '../registry.js'
import { findObject, getObject, insertObject, listObjects } from '../state.js'
import { cardHidden } from './cards.js'

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const

function chargeToRefund(ctx: Ctx, params: Params): Stripe.Charge {
  const chargeId = optString(params, 'charge')
  const piId = optString(params, 'payment_intent')
  if (chargeId && piId) {
    throw invalidRequest(
      'You can only specify one of these parameters: charge, payment_intent.',
      undefined,
      'charge',
    )
  }
  if (chargeId) return getObject<Stripe.Charge>(ctx.state, 'charge', chargeId, 'charge')
  if (!piId) throw missingParam('charge')
  const pi = getObject<Stripe.PaymentIntent>(ctx.state, 'payment_intent', piId, 'payment_intent')
  if (pi.status !== 'succeeded' || typeof pi.latest_charge !== 'string') {
    throw invalidRequest(
      `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
      'charge_not_refundable',
      'payment_intent',
    )
  }
  return getObject<Stripe.Charge>(ctx.state, 'charge', pi.latest_charge, 'payment_intent')
}

export function createRefund(ctx: Ctx, params: Params): Stripe.Refund {
  allowOnly(params, [
    'charge',
    'payment_intent',
    'amount',
    'reason',
    'metadata',
    'instructions_email',
    'origin',
    'refund_application_fee',
    'reverse_transfer',
    'currency',
    'customer',
  ])
  // Refunds to the customer balance, refund instructions and Connect transfers are not modelled.
  for (const key of ['instructions_email', 'origin', 'currency', 'customer'])
    if (params[key] !== undefined) throw unsupportedParam(key)
  onlyDefault(params, 'refund_application_fee', (v) => String(v).toLowerCase() === 'false')
  onlyDefault(params, 'reverse_transfer', (v) => String(v).toLowerCase() === 'false')
  const charge = chargeToRefund(ctx, params)
  const remaining = charge.amount_captured - charge.amount_refunded
  if (charge.status !== 'succeeded' || !charge.captured) {
    throw invalidRequest(
      `Charge ${charge.id} has not been captured, so it cannot be refunded.`,
      'charge_not_refundable',
    )
  }
  if (charge.disputed && chargedBack(ctx, charge.id)) {
    throw invalidRequest(
      `Charge ${charge.id} has been charged back; cannot issue a refund.`,
      'charge_disputed',
    )
  }
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded')
  }
  const amount = optInt(params, 'amount') ?? remaining
  if (amount < 1) throw invalidParam('amount', 'Refund amount must be positive.')
  if (amount > remaining) {
    throw invalidParam(
      'amount',
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
      'amount_too_large',
    )
  }
  const refund: Stripe.Refund = {
    id: newId('re', 24),
    object: 'refund',
    amount,
    balance_transaction: `txn_${randomString(24)}`,
    charge: charge.id,
    created: ctx.now(),
    currency: charge.currency,
    customer: typeof charge.customer === 'string' ? charge.customer : null,
    customer_account: null,
    destination_details: {
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    } as Stripe.Refund.DestinationDetails,
    metadata: applyMetadata({}, params),
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method: charge.payment_method,
    reason: optEnum(params, 'reason', REASONS) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  }
  insertObject(ctx.state, refund)
  ctx.emit('refund.created', refund)
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded }
  charge.amount_refunded += amount
  charge.refunded = charge.amount_refunded >= charge.amount_captured
  ctx.emit(
    'charge.refunded',
    charge,
    charge.refunded ? previous : { amount_refunded: previous.amount_refunded },
  )
  if (cardHidden(ctx, String(charge.payment_method)).behaviour === 'refund_fail') {
    ctx.schedule(ctx.now(null) + REFUND_FAILS_AFTER, null, 'refund.fail', { id: refund.id })
  }
  return refund
}

/** Emulator-clock seconds after which a refund to card 4000 0000 0000 5126 fails. */
const REFUND_FAILS_AFTER = 60

/**
 * The card refused the refund (`expired_or_canceled_card`): the money stays with the merchant, the
 * charge's `amount_refunded` goes back down, and `charge.refund.updated`, `refund.updated` and
 * `refund.failed` say so.
 */
registerAction('refund.fail', (ctx, data) => {
  const refund = findObject<Stripe.Refund>(ctx.state, String(data.id), 'refund')
  if (refund?.status !== 'succeeded') return
  const charge = findObject<Stripe.Charge>(ctx.state, String(refund.charge), 'charge')
  if (!charge) return
  const previous = { status: refund.status }
  refund.status = 'failed'
  refund.failure_reason = 'expired_or_canceled_card'
  refund.failure_balance_transaction = newId('txn', 24)
  charge.amount_refunded -= refund.amount
  charge.refunded = false
  ctx.emit('charge.refund.updated', refund, previous)
  ctx.emit('refund.updated', refund, previous)
  ctx.emit('refund.failed', refund)
})

route('post', '/v1/refunds', (ctx, params) => createRefund(ctx, params))
/** A chargeback (not an inquiry) takes the money back itself: Stripe refuses a refund on top. */
function chargedBack(ctx: Ctx, chargeId: string): boolean {
  return listObjects<Stripe.Dispute>(ctx.state, 'dispute', (d) => d.charge === chargeId).some(
    (d) => !d.is_charge_refundable,
  )
}

route('get', '/v1/refunds/:id', (ctx, _params, path) => getObject(ctx.state, 'refund', path.id!))
/** Only `metadata` changes, as on Stripe; `charge.refund.updated` and `refund.updated` carry it. */
route('post', '/v1/refunds/:id', (ctx, params, path) => {
  allowOnly(params, ['metadata'])
  const refund = getObject<Stripe.Refund>(ctx.state, 'refund', path.id!)
  const before = snapshotOf(refund)
  refund.metadata = applyMetadata(refund.metadata ?? {}, params)
  const previous = previousAttributes(before, refund)
  if (Object.keys(previous).length > 0) {
    ctx.emit('charge.refund.updated', refund, previous)
    ctx.emit('refund.updated', refund, previous)
  }
  return refund
})
/**
 * Stripe cancels only a refund waiting for the customer (`requires_action`, some bank and wallet
 * refunds); the emulator's card and SEPA refunds never wait, so it answers as Stripe does for the
 * others.
 */
route('post', '/v1/refunds/:id/cancel', (ctx, params, path) => {
  allowOnly(params, [])
  const refund = getObject<Stripe.Refund>(ctx.state, 'refund', path.id!)
  if (refund.status !== 'requires_action')
    throw invalidRequest(
      `You can only cancel a refund that has a status of requires_action. This refund has a status of ${refund.status}.`,
    )
  return refund
})
route('get', '/v1/refunds', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'charge', 'payment_intent', 'created'])
  const charge = optString(params, 'charge')
  const pi = optString(params, 'payment_intent')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.Refund>(
    ctx.state,
    'refund',
    (r) =>
      (charge === undefined || r.charge === charge) &&
      (pi === undefined || r.payment_intent === pi) &&
      inRange(r.created, created),
  )
  return paginate(items, params, '/v1/refunds')
})
