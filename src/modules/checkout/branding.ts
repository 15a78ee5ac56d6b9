/**
 * The shop's brand on Stripe's hosted Checkout: `branding_settings` carries the display name and
 * the button colour per session (the logo would need a Stripe file upload, so it stays the
 * account's own, set once in Stripe's dashboard).
 * @module
 */
import type Stripe from 'stripe'
import type { Brand } from '../../lib/brand.js'

export function checkoutBranding(brand: Brand): Stripe.Checkout.SessionCreateParams.BrandingSettings {
  return { display_name: brand.name, button_color: brand.accentColor }
}
