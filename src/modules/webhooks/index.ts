/**
 * The Stripe webhook inbox: `POST /webhooks/stripe` verifies, stores and acknowledges; the inbox
 * worker handles each stored event once, through a handler map it is given (it knows no handler);
 * recovery fills gaps from `GET /v1/events`. Modules below orders and billing only: they export
 * their handlers typed with `EventHandler`, and the composition root merges the maps.
 * @module
 */
export {
  type ApplyEvent,
  type EventHandler,
  type EventHandlerMap,
  type EventOf,
  type EventType,
  mergeEventHandlers,
} from './handlers.js'
export {
  announceInboxEvent,
  INBOX_CHANNEL,
  onInboxEvent,
  onInboxNotification,
  ringInbox,
} from './inbox-signal.js'
export { type InboxStatus, inboxStatus } from './inbox-status.js'
export {
  type HandleOutcome,
  INBOX_BATCH,
  MAX_ATTEMPTS,
  processInbox,
  processInboxNow,
  replayEvent,
} from './inbox-worker.js'
export { RECOVERY_INTERVAL_MS, recoverMissedEvents, recoveryResumesFrom } from './recover.js'
export {
  countInboxTrouble,
  countWebhookEventsSince,
  findEventByStripeId,
  findEventSources,
  listEvents,
  listEventsNaming,
  listFailingEventIds,
  listInboxPage,
  pruneHandledEvents,
} from './repo.js'
export { createWebhookRoutes } from './routes.js'
export type { StripeEventRow } from './table.js'
