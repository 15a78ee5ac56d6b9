/**
 * The inbox's handler map, built here from what the modules export: the webhooks module defines
 * what a handler is and knows none of them. For a type both maps handle, orders' handlers run
 * before billing's (a completed Checkout Session is one or the other, never both).
 * @module
 */
import { BILLING_EVENT_HANDLERS } from './modules/billing/index.js'
import { ORDER_EVENT_HANDLERS } from './modules/orders/index.js'
import { type EventHandlerMap, mergeEventHandlers } from './modules/webhooks/index.js'

export const EVENT_HANDLERS: EventHandlerMap = mergeEventHandlers(
  ORDER_EVENT_HANDLERS,
  BILLING_EVENT_HANDLERS,
)

/**
 * The event types a webhook endpoint must send Tollgate, sorted: those a handler wants. Anything
 * else Stripe would post is stored as handled and nothing more, so an endpoint subscribed to `*`
 * costs both sides a request per such event (three of the four events of a one-time purchase).
 */
export const HANDLED_EVENT_TYPES: readonly string[] = Object.freeze(Object.keys(EVENT_HANDLERS).sort())
