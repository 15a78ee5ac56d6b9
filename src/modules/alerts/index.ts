/**
 * Alerts to the shop's owner: email to ADMIN_EMAILS through the mail outbox and, optionally, a
 * Slack-compatible webhook (ALERT_WEBHOOK_URL), for sales, subscriptions, cancellations, failed
 * payments, disputes, failed refunds, events that gave up and bursts of bad webhook signatures;
 * each kind can be switched off (ALERTS_OFF); an optional daily digest. Raised inside the
 * business transaction, sent by workers.
 * @module
 */
export { type AlertContext, alertOwner, type OwnerAlert, ownerNote } from './alert.js'
export { sendDailyDigest } from './digest-worker.js'
export { listAlerts } from './repo.js'
export { deliverDueAlerts, slackText } from './webhook-worker.js'
