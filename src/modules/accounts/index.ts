/**
 * Accounts with passwords: registration confirmed by an emailed link (which is also how a guest
 * buyer claims the customer their purchase created), password sign-in, and password reset. The
 * customer and session live in the customers module; this one owns the links that prove an email.
 * @module
 */
export { pruneSpentPasswordLinks } from './repo.js'
export { accountRoutes } from './routes.js'
export { sendSetPasswordLink } from './password-links.js'
