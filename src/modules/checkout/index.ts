/**
 * Checkout: starting Stripe Checkout for a catalog price (`createCheckoutSession`, used by billing
 * for subscriptions too; `startOneTimeCheckout` for the store's one-time purchases), the buy button
 * script, the ledger of sessions we created, and reading where a session's payment stands. What
 * happens once it is paid belongs to orders (one-time) and billing (subscriptions).
 * @module
 */
export {
  type AdhocLine,
  type ApiCheckoutInput,
  type ApiCheckoutStarted,
  type CatalogLine,
  startApiCheckout,
  type VetPlanCheckout,
} from './api-checkout.js'
export {
  ADHOC_PRICE,
  type CheckoutMetadata,
  callerMetadata,
  type GrantSpec,
  RESERVED_METADATA_PREFIX,
  readCheckoutMetadata,
} from './metadata.js'
export {
  type CheckoutPayment,
  checkoutPaymentOf,
  isFinalSnapshot,
  mayBeOfMode,
  retrieveCheckoutWithPayment,
} from './payment-state.js'
export {
  findPendingCheckout,
  listOpenCheckouts,
  type PendingCheckout,
  type PendingCheckoutStatus,
  recordPendingCheckout,
  setPendingCheckoutStatus,
} from './pending.js'
export { countCheckoutsBetween } from './repo.js'
export { createCheckoutRoutes, type StartSubscription } from './routes.js'
export {
  asAppError,
  type CheckoutMode,
  type CreateCheckoutInput,
  createCheckoutSession,
  startOneTimeCheckout,
} from './service.js'
