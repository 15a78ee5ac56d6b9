/**
 * The catalog as code: `catalog.yaml` → a validated `Catalog` (features with lapse policies,
 * products, prices by lookup key, member pages), lookups over it, the sync that makes Stripe match
 * it, and the lookup key ↔ Stripe price id map that sync keeps. The lowest domain module: it
 * imports no other module and not the app's `Deps` (see CatalogContext).
 * @module
 */
export { billingCadence, plansCadences } from './cadence.js'
export type { CatalogContext } from './context.js'
export { ensureDemoFiles } from './demo.js'
export {
  featureLabel,
  featuresOfProduct,
  findFeature,
  findPrice,
  findProduct,
  getPrice,
  getProduct,
  productOfPrice,
} from './find.js'
export { CatalogError, loadCatalog, parseCatalog } from './load.js'
export { findCatalogPriceForStripeId, resolveStripePriceId } from './prices.js'
export { formatPlan, type SyncPlan, syncCatalog } from './sync.js'
export { findPortalConfiguration } from './sync-portal.js'
export type {
  Access,
  Catalog,
  CatalogFeature,
  CatalogFile,
  CatalogPage,
  CatalogPrice,
  CatalogProduct,
  LapsePolicy,
  LicenseTerms,
  Recurring,
} from './types.js'
export { ensureWebhookEndpoint } from './webhook-endpoint.js'
