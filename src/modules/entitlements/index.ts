/**
 * Entitlements: everything a customer may use is a feature key, held through grants from an
 * order, a subscription or the owner's hand, each with a window (see docs/ARCHITECTURE.md). Access
 * is decided from these local grants only, never by asking Stripe. Sources above this module
 * (orders, billing, members) grant and revoke through the functions below.
 * @module
 */
export { type AccessDecision, checkAccess, decideAccess } from './access.js'
export { grantObject } from './events.js'
export {
  findGrant,
  type GrantInput,
  type GrantOutcome,
  type GrantSource,
  grantFeature,
  listFeaturesRevokedByHand,
  listGrants,
  listGrantsFrom,
  revokeFeature,
  revokeGrant,
  revokeGrantsBySource,
} from './grants.js'
export { type EntitlementView, entitlementsJson, listEntitlements, listEntitlementsNow } from './list.js'
export { renderNoAccess, requireFeature, signInFirst } from './require-feature.js'
export type { GrantRow, GrantSourceType } from './table.js'
