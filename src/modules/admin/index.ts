/**
 * The owner console: who is an admin (signed in with a proven email listed in ADMIN_EMAILS), the
 * append-only audit log of what admins changed, the revenue metrics from the local ledger
 * (docs/metrics.md), and the `/admin` pages. Other modules are used only through their faces.
 * @module
 */

export { createApiKeyAudited, revokeApiKeyAudited } from './api-keys/audited.js'
export { type AuditInput, recordAudit } from './audit.js'
export {
  type CouponInput,
  checkCoupon,
  couponOffText,
  createCoupon,
  DURATIONS,
  deactivateCoupon,
  listCoupons,
} from './coupons/service.js'
export { grantAndAudit, revokeAndAudit } from './customers/manual-access.js'
export {
  buildMetricsReport,
  INTERVALS,
  type Interval,
  type MetricsQuery,
  type MetricsReport,
  percentText,
} from './metrics.js'
export type { PerCurrency } from './mrr.js'
export { parseRange } from './range.js'
export { listAuditEntries } from './repo.js'
export { type AdminOptions, createAdminRoutes } from './routes.js'
