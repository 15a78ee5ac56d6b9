/**
 * The typed handlers map: event type → handlers. A handler runs outside any transaction, re-fetches
 * the authoritative object from Stripe and returns the change to apply (or nothing); the inbox
 * then applies every change and stamps the event handled in one transaction.
 * Other modules add their handlers with `registerHandler` (at import time) or a line in HANDLERS.
 * @module
 */
import type Stripe from 'stripe'
import type { Transaction } from 'kysely'
import type { Database } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import {
  onChargeDispute,
  onChargeRefunded,
  onCheckoutSessionExpired,
  onCheckoutSessionPayment,
  onRefundChanged,
} from '../orders/event-handlers.js'
import {
  onEntitlementSummaryUpdated,
  onInvoicePaid,
  onInvoiceUpcoming,
  onInvoicePaymentFailed,
  onSubscriptionChanged,
  onSubscriptionCheckoutCompleted,
  onTrialWillEnd,
} from '../billing/event-handlers.js'

export type EventType = Stripe.Event.Type
export type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>
export type ApplyEvent = (trx: Transaction<Database>) => Promise<void>
export type EventHandler<T extends EventType = EventType> = (
  deps: Deps,
  event: EventOf<T>,
) => Promise<ApplyEvent | undefined>

type HandlerMap = { [T in EventType]?: EventHandler<T>[] }

export const HANDLERS: HandlerMap = {
  'checkout.session.completed': [onCheckoutSessionPayment, onSubscriptionCheckoutCompleted],
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
  // Subscriptions (APP-SUBSCRIPTIONS): every one re-fetches and runs billing's one sync.
  'customer.subscription.created': [onSubscriptionChanged],
  'customer.subscription.updated': [onSubscriptionChanged],
  'customer.subscription.deleted': [onSubscriptionChanged],
  'customer.subscription.paused': [onSubscriptionChanged],
  'customer.subscription.resumed': [onSubscriptionChanged],
  'customer.subscription.trial_will_end': [onTrialWillEnd],
  'invoice.paid': [onInvoicePaid],
  'invoice.upcoming': [onInvoiceUpcoming],
  'invoice.payment_failed': [onInvoicePaymentFailed],
  'entitlements.active_entitlement_summary.updated': [onEntitlementSummaryUpdated],
}

const registered: HandlerMap = {}

/** Adds a handler for an event type (several handlers per type all run, in registration order). */
export function registerHandler<T extends EventType>(type: T, handler: EventHandler<T>): void {
  const list = (registered[type] ?? []) as EventHandler<T>[]
  if (!list.includes(handler)) list.push(handler)
  ;(registered as Record<string, unknown>)[type] = list
}

export function handlersFor(type: string): EventHandler[] {
  const fixed = (HANDLERS as Record<string, EventHandler[] | undefined>)[type] ?? []
  const extra = (registered as Record<string, EventHandler[] | undefined>)[type] ?? []
  return [...fixed, ...extra]
}
