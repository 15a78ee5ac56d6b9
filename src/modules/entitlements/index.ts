/**
 * Entitlements: everything a customer may use is a feature key, held through grants from orders,
 * subscriptions or manual grants (see docs/ARCHITECTURE.md). Access checks read only local state.
 * Subscription reconciliation lives beside this in `subscription-*.ts` (APP-SUBSCRIPTIONS).
 * @module
 */
export { type AccessDecision, checkAccess, decideAccess } from './access.js'
export { type GrantInput, type GrantSource, grantFeature, revokeGrantsBySource } from './grants.js'
export { listGrantsOfCustomer, listGrantsOfSource } from './repo.js'
export { loginPath, renderNoAccess, requireFeature } from './require-feature.js'
export type { GrantRow, GrantSourceType } from './table.js'
