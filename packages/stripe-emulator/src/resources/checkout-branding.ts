/**
 * The store's name and colours on the hosted Checkout page: the emulated account's business name
 * unless the session sets `branding_settings[display_name]`; `button_color` colours the pay
 * button. Logos and icons (file uploads) are not modelled and are refused by name.
 * @module
 */
import type Stripe from 'stripe'
import { invalidParam, unsupportedParam } from '../errors.js'
import { allowOnly, optEnum, optObject, optString, type Params } from '../params.js'

/** The emulated account's business name (invoices' `account_name`, Checkout's header). */
export const ACCOUNT_NAME = 'Tollgate test account'

const HEX = /^#[0-9a-fA-F]{6}$/

export function readBranding(params: Params): Stripe.Checkout.Session.BrandingSettings | undefined {
  const raw = optObject(params, 'branding_settings')
  if (!raw) return undefined
  const name = (key: string) => `branding_settings[${key}]`
  allowOnly(
    raw,
    ['background_color', 'border_style', 'button_color', 'display_name', 'font_family', 'icon', 'logo'],
    'branding_settings',
  )
  for (const key of ['icon', 'logo']) if (raw[key] !== undefined) throw unsupportedParam(name(key))
  const color = (key: string, fallback: string): string => {
    const v = optString(raw, key, name(key))
    if (v === undefined || v === '') return fallback
    if (!HEX.test(v)) throw invalidParam(name(key), `Invalid ${name(key)}: use a hex colour like #0074d4.`)
    return v
  }
  return {
    background_color: color('background_color', '#ffffff'),
    border_style:
      optEnum(raw, 'border_style', ['pill', 'rectangular', 'rounded'] as const, name('border_style')) ??
      'rounded',
    button_color: color('button_color', '#635bff'),
    display_name: optString(raw, 'display_name', name('display_name')) || ACCOUNT_NAME,
    font_family: optString(raw, 'font_family', name('font_family')) || 'default',
    icon: null,
    logo: null,
  }
}
