/**
 * The shop's brand on Stripe's hosted Checkout: `branding_settings` carries the display name, the
 * button colour and, when the shop has one at an https address, the logo by URL (Stripe fetches
 * it for its own page; a plain-http logo stays on our pages only, and Checkout shows the account's).
 * @module
 */
import type Stripe from 'stripe'
import type { Brand } from '../../lib/brand.js'

export function checkoutBranding(brand: Brand): Stripe.Checkout.SessionCreateParams.BrandingSettings {
  const logo = brand.logoUrl?.startsWith('https://')
    ? { type: 'url' as const, url: brand.logoUrl }
    : undefined
  return { display_name: brand.name, button_color: brand.accentColor, ...(logo ? { logo } : {}) }
}
