/**
 * Customers and signing in: one customer per email (however it was created), linked lazily to a
 * Stripe customer; database sessions behind an HttpOnly cookie; access tokens shown once;
 * single-use emailed sign-in links; the password hash and signing out everywhere (used by
 * accounts). Other modules use the exports below.
 * @module
 */
export { issueAccessToken, newAccessToken, verifyAccessToken } from './access-tokens.js'
export {
  type Customer,
  ensureStripeCustomer,
  findCustomer,
  findCustomerForEmail,
  findCustomerForStripeId,
  findOrCreateCustomerByEmail,
  linkStripeCustomer,
  listCustomers,
  normalizeEmail,
} from './customers.js'
export {
  countCustomersSince,
  deleteSessionsOfCustomer as signOutEverywhere,
  findPasswordHash,
  listSessionsOfCustomer,
  pruneExpiredAuth,
  searchCustomers,
  setPasswordHash,
} from './repo.js'
export type { CustomerRow } from './table.js'
export { customerRoutes } from './routes.js'
export { findSessionCustomer, signIn, signOut } from './sessions.js'
export { redeemSignInLink, sendSignInLink } from './sign-in-links.js'
