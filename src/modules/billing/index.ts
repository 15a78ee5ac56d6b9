/**
 * Subscriptions: plans are the catalog's recurring prices. Subscribing through Checkout (one plan
 * per family), the one subscription sync that every path converges on (webhooks, the return from
 * Checkout, the entitlement summary), the grants a subscription gives under each feature's lapse
 * policy, lifecycle emails, the pricing and account pages and the Billing Portal. Its webhook
 * handlers are `BILLING_EVENT_HANDLERS`.
 * @module
 */

export type { ListOrders } from './account-routes.js'
export { type BackfillOutcome, backfillSubscription, listStripeSubscriptions } from './backfill.js'
export { BILLING_EVENT_HANDLERS } from './event-handlers.js'
export { discountedAmount } from './history.js'
export {
  type LedgerEntry,
  type LedgerSignature,
  listHistoryUntil as listSubscriptionHistory,
  listLedgerChanges,
  listLedgerOfChangedCustomers,
  summarizeLedgerAt,
} from './history-repo.js'
export {
  changeSubscription,
  checkSubscriptionChange,
  type PlanChangePreview,
  previewPlanChange,
  type SubscriptionChange,
} from './manage.js'
export {
  findSubscriptionByStripeId,
  listInvoicesOfCustomer,
  listSubscriptionsOfCustomer,
  listSubscriptionsPage,
  sumInvoiceRefundsByDay,
  sumPaidInvoicesByDay,
} from './repo.js'
export { createBillingRoutes } from './routes.js'
export { fetchSubscriptionSnapshot, type SubscriptionSnapshot } from './snapshot.js'
export { SUBSCRIPTION_STATUSES } from './status-words.js'
export { startSubscriptionFromButton, vetApiPlanCheckout } from './subscribe.js'
export { applySubscriptionSnapshot } from './sync.js'
export type { InvoiceRow, SubscriptionHistoryRow, SubscriptionRow } from './table.js'
