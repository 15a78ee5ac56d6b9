/**
 * Customers and sign-in: one customer per email, database sessions, access tokens shown once,
 * single-use sign-in links. Other modules use the exports below.
 * @module
 */
export { issueAccessToken, verifyAccessToken } from './access-tokens.js'
export {
  type Customer,
  ensureStripeCustomer,
  findCustomer,
  findCustomerForEmail,
  findOrCreateCustomerByEmail,
  normalizeEmail,
} from './customers.js'
export { customerRoutes } from './routes.js'
export { findSessionCustomer, signIn, signOut } from './sessions.js'
export { redeemSignInLink, sendSignInLink } from './sign-in-links.js'
