/**
 * Members-only pages from the catalog (Markdown, gated by a feature, e.g. `/premium`) and the
 * owner's manual grants and revokes (`tollgate grant|revoke`), always with a reason.
 * @module
 */
export { grantManually, knownFeatures, revokeManually } from './manual-grants.js'
export { memberRoutes } from './routes.js'
