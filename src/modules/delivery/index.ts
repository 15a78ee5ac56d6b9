/**
 * Delivery of files: the buyer's library and `GET /download/:id` (Range requests, download log),
 * both decided by entitlements from local state.
 * @module
 */
export { deliveryRoutes } from './routes.js'
