/**
 * Delivery of files: the buyer's library and `GET /download/:id` (Range requests, download log),
 * both decided by entitlements from local state; the prune of unused per-buyer stamped copies.
 * @module
 */
export { deliveryRoutes } from './routes.js'
export { pruneStampedCopies, STAMPED_COPIES_KEPT_DAYS } from './stamped-copy.js'
