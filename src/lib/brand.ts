/**
 * The shop's own brand: its name, logo, accent colour, support address and legal pages, shown on
 * every page, in every email and, where Stripe allows, on Checkout. Buyers see this name, never
 * "Tollgate". Two places may set it, field by field:
 *
 * - the catalog's `store:` section (catalog.yaml: `name`, `logoUrl`, `accentColor`,
 *   `supportEmail`, `termsUrl`, `privacyUrl`), the shop as it describes itself;
 * - the `STORE_*` variables (parsed once with the rest of the config), which win over the catalog
 *   for the fields they set, so one deployment (a staging copy, say) can differ without editing it.
 *
 * A field neither sets takes the default below. Both are checked by the same rules (`BRAND_FIELDS`).
 * @module
 */
import * as z from 'zod'

export type Brand = Readonly<{
  name: string
  logoUrl?: string | undefined
  /** `#rrggbb`: the pages' `--accent`, the emails' header and Checkout's button colour. */
  accentColor: string
  supportEmail?: string | undefined
  termsUrl?: string | undefined
  privacyUrl?: string | undefined
}>

export const DEFAULT_BRAND: Brand = Object.freeze({
  name: 'Tollgate demo store',
  accentColor: '#2454d6',
})

const text = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })

/** The rules for each field, wherever it is written. */
export const BRAND_FIELDS = {
  name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
  logoUrl: url,
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #2454d6')
    .transform((v) => v.toLowerCase()),
  supportEmail: z.email('must be an email address'),
  termsUrl: url,
  privacyUrl: url,
}

/** The fields one place sets (the catalog's `store:`, or the `STORE_*` variables). */
export type BrandSettings = Readonly<Partial<Brand>>

/** The `STORE_*` variables, spread into the config's schema (empty means unset). */
export const BRAND_ENV = {
  STORE_NAME: text.pipe(BRAND_FIELDS.name.optional()),
  STORE_LOGO_URL: text.pipe(BRAND_FIELDS.logoUrl.optional()),
  STORE_ACCENT_COLOR: text.pipe(BRAND_FIELDS.accentColor.optional()),
  STORE_SUPPORT_EMAIL: text.pipe(BRAND_FIELDS.supportEmail.optional()),
  STORE_TERMS_URL: text.pipe(BRAND_FIELDS.termsUrl.optional()),
  STORE_PRIVACY_URL: text.pipe(BRAND_FIELDS.privacyUrl.optional()),
}

type BrandEnv = { [K in keyof typeof BRAND_ENV]?: string | undefined }

/** What the `STORE_*` variables set, and nothing for those left unset. */
export function brandSettingsFromEnv(e: BrandEnv): BrandSettings {
  const settings: { -readonly [K in keyof Brand]?: Brand[K] } = {}
  if (e.STORE_NAME !== undefined) settings.name = e.STORE_NAME
  if (e.STORE_LOGO_URL !== undefined) settings.logoUrl = e.STORE_LOGO_URL
  if (e.STORE_ACCENT_COLOR !== undefined) settings.accentColor = e.STORE_ACCENT_COLOR
  if (e.STORE_SUPPORT_EMAIL !== undefined) settings.supportEmail = e.STORE_SUPPORT_EMAIL
  if (e.STORE_TERMS_URL !== undefined) settings.termsUrl = e.STORE_TERMS_URL
  if (e.STORE_PRIVACY_URL !== undefined) settings.privacyUrl = e.STORE_PRIVACY_URL
  return Object.freeze(settings)
}

/**
 * The brand, field by field: `first` (the `STORE_*` variables) over `then` (the catalog's
 * `store:`) over `base` (the defaults, or a brand given whole).
 */
export function resolveBrand(first: BrandSettings, then: BrandSettings, base: Brand = DEFAULT_BRAND): Brand {
  return Object.freeze({
    name: first.name ?? then.name ?? base.name,
    logoUrl: first.logoUrl ?? then.logoUrl ?? base.logoUrl,
    accentColor: first.accentColor ?? then.accentColor ?? base.accentColor,
    supportEmail: first.supportEmail ?? then.supportEmail ?? base.supportEmail,
    termsUrl: first.termsUrl ?? then.termsUrl ?? base.termsUrl,
    privacyUrl: first.privacyUrl ?? then.privacyUrl ?? base.privacyUrl,
  })
}

export function brandFromEnv(e: BrandEnv): Brand {
  return resolveBrand(brandSettingsFromEnv(e), {})
}
