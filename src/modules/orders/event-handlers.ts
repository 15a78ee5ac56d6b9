/**
 * Webhook handlers for one-time purchases. Each re-fetches the object from Stripe (the event's
 * snapshot may be stale or out of order) unless the snapshot is already final, and returns the
 * change the inbox applies in one transaction. `ORDER_EVENT_HANDLERS` is this module's part of the
 * inbox's handler map.
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../deps.js'
import {
  checkoutPaymentOf,
  isFinalSnapshot,
  mayBeOfMode,
  retrieveCheckoutWithPayment,
  setPendingCheckoutStatus,
} from '../checkout/index.js'
import type { ApplyEvent, EventHandlerMap, EventOf } from '../webhooks/index.js'
import { applyDispute } from './dispute.js'
import { fulfilCheckoutSession, idOf, recordFailedPayment } from './fulfil.js'
import { applyChargeRefund } from './refund.js'

type SessionEvent = EventOf<
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed'
  | 'checkout.session.expired'
>

/**
 * The session as it stands now: a snapshot already final (isFinalSnapshot) is it, so a paid
 * purchase does not wait on a call to Stripe; any other is re-fetched with its PaymentIntent, whose
 * state tells processing from failed.
 */
function currentSession(deps: Deps, event: SessionEvent): Promise<Stripe.Checkout.Session> {
  const snapshot = event.data.object
  return isFinalSnapshot(snapshot)
    ? Promise.resolve(snapshot)
    : retrieveCheckoutWithPayment(deps.stripe, snapshot.id)
}

/**
 * completed, async_payment_succeeded and async_payment_failed share one handler: what happens
 * follows the re-fetched session's payment state, not the event's name, so a late `completed`
 * after the bank's answer cannot undo it. Paid → fulfil; processing → remembered (a second
 * purchase is refused meanwhile); failed → the buyer is told once.
 */
export async function onCheckoutSessionPayment(
  deps: Deps,
  event: SessionEvent,
): Promise<ApplyEvent | undefined> {
  // A subscription's session is billing's, without asking Stripe.
  if (!mayBeOfMode(event.data.object, 'payment')) return undefined
  const session = await currentSession(deps, event)
  if (session.mode !== 'payment') return undefined
  switch (checkoutPaymentOf(session)) {
    case 'paid':
      return async (trx) => {
        await fulfilCheckoutSession(deps, trx, session)
      }
    case 'processing':
      return async (trx) => {
        await setPendingCheckoutStatus(trx, session.id, 'processing', { from: ['open'] })
      }
    case 'failed':
      return (trx) => recordFailedPayment(deps, trx, session)
    default:
      return undefined
  }
}

export async function onCheckoutSessionExpired(
  deps: Deps,
  event: SessionEvent,
): Promise<ApplyEvent | undefined> {
  const session = await currentSession(deps, event)
  if (session.status !== 'expired') return undefined
  return async (trx) => {
    await setPendingCheckoutStatus(trx, session.id, 'expired')
  }
}

/**
 * charge.refunded: revokes the order's access on a full refund. When the order is not known yet
 * (the refund's event overtook the purchase's), the session is looked up by payment intent and
 * fulfilled first in the same transaction, so the end state does not depend on arrival order.
 */
export async function onChargeRefunded(
  deps: Deps,
  event: EventOf<'charge.refunded'>,
): Promise<ApplyEvent | undefined> {
  return applyRefundsOfCharge(deps, event.data.object.id)
}

/**
 * charge.refund.updated, refund.updated, refund.failed: a refund changed after it was made (a card
 * refused it). The charge, re-fetched, says how much is really refunded now.
 */
export async function onRefundChanged(
  deps: Deps,
  event: EventOf<'charge.refund.updated' | 'refund.updated' | 'refund.failed'>,
): Promise<ApplyEvent | undefined> {
  const chargeId = idOf(event.data.object.charge)
  return chargeId ? applyRefundsOfCharge(deps, chargeId) : undefined
}

async function applyRefundsOfCharge(deps: Deps, chargeId: string): Promise<ApplyEvent | undefined> {
  const charge = await deps.stripe.charges.retrieve(chargeId)
  const paymentIntentId = idOf(charge.payment_intent)
  if (!paymentIntentId) return undefined
  const session = await sessionOfPaymentIntent(deps, paymentIntentId)
  return async (trx) => {
    if (session) await fulfilCheckoutSession(deps, trx, session)
    await applyChargeRefund(deps, trx, charge)
  }
}

/**
 * charge.dispute.*: one handler for created, updated, closed and the funds events; the re-fetched
 * dispute decides (see dispute.ts). As with refunds, an order not known yet is fulfilled first.
 */
export async function onChargeDispute(
  deps: Deps,
  event: EventOf<
    | 'charge.dispute.created'
    | 'charge.dispute.updated'
    | 'charge.dispute.closed'
    | 'charge.dispute.funds_withdrawn'
    | 'charge.dispute.funds_reinstated'
  >,
): Promise<ApplyEvent | undefined> {
  const dispute = await deps.stripe.disputes.retrieve(event.data.object.id)
  const paymentIntentId = idOf(dispute.payment_intent)
  if (!paymentIntentId) return undefined
  const session = await sessionOfPaymentIntent(deps, paymentIntentId)
  if (!session) return undefined
  return async (trx) => {
    await fulfilCheckoutSession(deps, trx, session)
    await applyDispute(deps, trx, dispute)
  }
}

/** The one-time Checkout Session that created this PaymentIntent, if any (subscriptions have none). */
async function sessionOfPaymentIntent(
  deps: Deps,
  paymentIntentId: string,
): Promise<Stripe.Checkout.Session | undefined> {
  const listed = await deps.stripe.checkout.sessions.list({ payment_intent: paymentIntentId, limit: 1 })
  return listed.data.find((s) => idOf(s.payment_intent) === paymentIntentId)
}

export const ORDER_EVENT_HANDLERS: EventHandlerMap = {
  'checkout.session.completed': [onCheckoutSessionPayment],
  'checkout.session.async_payment_succeeded': [onCheckoutSessionPayment],
  'checkout.session.async_payment_failed': [onCheckoutSessionPayment],
  'checkout.session.expired': [onCheckoutSessionExpired],
  'charge.refunded': [onChargeRefunded],
  'charge.refund.updated': [onRefundChanged],
  'refund.updated': [onRefundChanged],
  'refund.failed': [onRefundChanged],
  'charge.dispute.created': [onChargeDispute],
  'charge.dispute.updated': [onChargeDispute],
  'charge.dispute.closed': [onChargeDispute],
  'charge.dispute.funds_withdrawn': [onChargeDispute],
  'charge.dispute.funds_reinstated': [onChargeDispute],
}
