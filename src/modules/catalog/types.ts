/** The validated catalog, as app code sees it. Amounts are integer minor units. */
import type { BrandSettings } from '../../lib/brand.js'
import type { BillingInterval } from '../../lib/stripe-currencies.js'

export type LapsePolicy = {
  /** Days a `past_due` subscription keeps access. */
  pastDueGraceDays: number
  /** After cancellation, access lasts to the end of the paid period. */
  accessUntilPeriodEnd: boolean
  /** A `trialing` subscription grants the feature. */
  trialing: boolean
}

/** A licence-key feature's terms (catalog `license:`); the key's window follows its grant. */
export type LicenseTerms = { activationLimit: number | null }

export type CatalogFeature = LapsePolicy & { key: string; name: string; license?: LicenseTerms | undefined }

export type CatalogFile = {
  id: string
  title: string
  /** Absolute path (the catalog's relative paths are resolved against the catalog file's folder). */
  path: string
  contentType: string
  /** Each buyer gets a copy with their email and order on every page (PDF only). */
  stamp: boolean
  /** The entitlement feature that unlocks this file: `file:<id>`. */
  feature: string
}

export type Recurring = { interval: BillingInterval; intervalCount: number }

export type CatalogPrice = {
  lookupKey: string
  productId: string
  currency: string
  unitAmount: number
  nickname?: string
  recurring?: Recurring
  trialDays?: number
  /** `optional`: the trial starts without a card; `trialEndWithoutCard` says what happens when it runs out. */
  trialCard: 'required' | 'optional'
  trialEndWithoutCard: 'cancel' | 'pause'
  allowPromotionCodes: boolean
  /** Plans in one family are mutually exclusive: a customer holds at most one subscription per family. */
  family?: string
}

export type Access = { days: number } | 'forever'

export type CatalogProduct = {
  id: string
  name: string
  description: string
  /** Feature keys granted by buying this product (its files' `file:<id>` features come on top). */
  features: string[]
  files: CatalogFile[]
  /** For one-time prices: how long a purchase grants access. */
  access: Access
  prices: CatalogPrice[]
}

export type CatalogPage = { path: string; title: string; markdown: string; feature: string }

export type Catalog = {
  /** Absolute path of the file this was loaded from. */
  source: string
  /** The shop's brand fields the catalog's `store:` section sets (lib/brand.ts merges them). */
  store: BrandSettings
  features: CatalogFeature[]
  products: CatalogProduct[]
  /** Every price of every product, in file order. */
  prices: CatalogPrice[]
  pages: CatalogPage[]
}

/** One thing wrong with a catalog file, at a path inside it (reported with line and column). */
export type Problem = { path: (string | number)[]; message: string }
