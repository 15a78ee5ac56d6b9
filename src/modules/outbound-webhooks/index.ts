/**
 * Outbound webhooks for other apps, per Standard Webhooks: endpoints the owner registers, events
 * (`order.paid`, …) published in the transaction of the change, and the worker that delivers them
 * signed, at least once, in order per endpoint, with retries, a delivery log, redelivery and
 * automatic disabling with an alert.
 * @module
 */
export {
  DELIVERY_CONCURRENCY,
  DISABLE_AFTER_FAILURES,
  deliverDueWebhooks,
  RETRY_SCHEDULE_SECONDS,
} from './deliver-worker.js'
export {
  addWebhookEndpoint,
  disableWebhookEndpoint,
  enableWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  redeliverWebhook,
  removeWebhookEndpoint,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './endpoints.js'
export { OUTBOUND_EVENTS, type OutboundEventType, publishEvent } from './publish.js'
