/**
 * The shop's own brand: its name, logo, accent colour, support address and legal pages. Parsed
 * once with the rest of the config (these are the `STORE_*` variables) and shown on every page,
 * in every email and, where Stripe allows, on Checkout. Buyers see this name, never "Tollgate".
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

/** The `STORE_*` variables, spread into the config's schema. */
export const BRAND_ENV = {
  STORE_NAME: text.pipe(z.string().max(80, 'must be at most 80 characters').optional()),
  STORE_LOGO_URL: text.pipe(url.optional()),
  STORE_ACCENT_COLOR: text.pipe(
    z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #2454d6')
      .optional(),
  ),
  STORE_SUPPORT_EMAIL: text.pipe(z.email('must be an email address').optional()),
  STORE_TERMS_URL: text.pipe(url.optional()),
  STORE_PRIVACY_URL: text.pipe(url.optional()),
}

type BrandEnv = { [K in keyof typeof BRAND_ENV]?: string | undefined }

export function brandFromEnv(e: BrandEnv): Brand {
  return Object.freeze({
    name: e.STORE_NAME ?? DEFAULT_BRAND.name,
    logoUrl: e.STORE_LOGO_URL,
    accentColor: (e.STORE_ACCENT_COLOR ?? DEFAULT_BRAND.accentColor).toLowerCase(),
    supportEmail: e.STORE_SUPPORT_EMAIL,
    termsUrl: e.STORE_TERMS_URL,
    privacyUrl: e.STORE_PRIVACY_URL,
  })
}
