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
