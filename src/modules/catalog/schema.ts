/**
 * The catalog file's shape (Zod), before cross-checks and conversion. Keys are camelCase as
 * written in catalog.yaml; amounts may be integers of minor units or exact decimal strings.
 * @module
 */
import * as z from 'zod'
import { BRAND_FIELDS } from '../../lib/brand.js'
import { parseMoney } from '../../lib/money.js'
import { BILLING_INTERVALS, MAX_INTERVAL_COUNT } from '../../lib/stripe-currencies.js'

const key = z.string().regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'use lower-case letters, digits, - _ . :')
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, - _')

export const FeatureInput = z.strictObject({
  key,
  name: z.string().min(1),
  pastDueGraceDays: z.number().int().min(0).max(365).default(0),
  accessUntilPeriodEnd: z.boolean().default(true),
  trialing: z.boolean().default(true),
  /** A licence-key feature: each order or subscription that grants it gets a key. */
  license: z
    .strictObject({
      /** Devices or installs a key may be activated on; null = no limit. */
      activationLimit: z.number().int().min(1).max(10_000).nullable().default(null),
    })
    .optional(),
})

export const FileInput = z.strictObject({
  id: slug,
  title: z.string().min(1),
  path: z.string().min(1),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type such as application/pdf'),
  /** A PDF whose every page gets the buyer's email and order in its footer at download time. */
  stamp: z.boolean().default(false),
})

export const AccessInput = z.union([
  z.literal('forever'),
  z.strictObject({ days: z.number().int().min(1).max(36_500) }),
])

export const ProductInput = z.strictObject({
  id: slug,
  name: z.string().min(1),
  description: z.string().default(''),
  features: z.array(key).default([]),
  files: z.array(FileInput).default([]),
  access: AccessInput.default('forever'),
})

export const PriceInput = z
  .strictObject({
    lookupKey: key,
    product: slug,
    currency: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO currency code such as usd'),
    amount: z.union(
      [
        z.number().int().min(0, 'must not be negative'),
        z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "19.00"'),
      ],
      // A bare 9.99 fails both branches, and Zod's own words for that are only "Invalid input".
      {
        error: (issue) =>
          `must be a whole number of minor units (1900 for 19.00) or a decimal string ("19.00"), not ${JSON.stringify(issue.input)}`,
      },
    ),
    nickname: z.string().optional(),
    recurring: z
      .strictObject({
        interval: z.enum(BILLING_INTERVALS),
        intervalCount: z.number().int().min(1).default(1),
      })
      .optional(),
    trialDays: z.number().int().min(1).max(730).optional(),
    /** `optional`: the trial starts without a card (Checkout asks for none). */
    trialCard: z.enum(['required', 'optional']).default('required'),
    /** A trial without a card runs out: the subscription ends (`cancel`) or waits (`pause`). */
    trialEndWithoutCard: z.enum(['cancel', 'pause']).default('cancel'),
    allowPromotionCodes: z.boolean().default(false),
    family: slug.optional(),
  })
  // Checked per price, so these are reported together with every other shape problem.
  .superRefine((p, ctx) => {
    const every = p.recurring
    if (every && every.intervalCount > MAX_INTERVAL_COUNT[every.interval]) {
      ctx.addIssue({
        code: 'custom',
        path: ['recurring', 'intervalCount'],
        message: `must be at most ${MAX_INTERVAL_COUNT[every.interval]} for ${every.interval} (Stripe's longest interval is three years)`,
      })
    }
    if (!p.recurring && p.trialDays !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['trialDays'], message: 'only recurring prices can have a trial' })
    }
    if (p.trialDays === undefined && p.trialCard === 'optional') {
      ctx.addIssue({
        code: 'custom',
        path: ['trialCard'],
        message: 'only a price with trialDays has a trial',
      })
    }
    if (!p.recurring && p.family !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['family'],
        message: 'only recurring prices belong to a plan family',
      })
    }
    if (typeof p.amount === 'string') {
      try {
        parseMoney(p.amount, p.currency)
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: (err as Error).message })
      }
    }
  })

export const PageInput = z.strictObject({
  path: z.string().regex(/^\/[a-z0-9/_-]*$/, 'must be a path such as /premium'),
  title: z.string().min(1),
  feature: key,
  markdown: z.string(),
})

/** The shop's brand as the catalog gives it; the STORE_* variables win over each field they set. */
export const StoreInput = z.strictObject({
  name: BRAND_FIELDS.name.optional(),
  logoUrl: BRAND_FIELDS.logoUrl.optional(),
  accentColor: BRAND_FIELDS.accentColor.optional(),
  supportEmail: BRAND_FIELDS.supportEmail.optional(),
  termsUrl: BRAND_FIELDS.termsUrl.optional(),
  privacyUrl: BRAND_FIELDS.privacyUrl.optional(),
})

export const CatalogInput = z.strictObject({
  store: StoreInput.default({}),
  features: z.array(FeatureInput).default([]),
  products: z.array(ProductInput).default([]),
  prices: z.array(PriceInput).default([]),
  pages: z.array(PageInput).default([]),
})

export type CatalogInput = z.infer<typeof CatalogInput>
