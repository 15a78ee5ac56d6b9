/**
 * The store's name and colours on the hosted Checkout page: the emulated account's business name
 * unless the session sets `branding_settings[display_name]`; `button_color` colours the pay
 * button; a `logo` of `type: url` is shown above the name. Logos from file uploads (`type: file`)
 * and icons are not modelled and are refused by name.
 * @module
 */
import type Stripe from 'stripe'
import { invalidParam, unsupportedParam } from '../errors.js'
import { allowOnly, optEnum, optObject, optString, type Params, reqString } from '../params.js'

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
  if (raw.icon !== undefined) throw unsupportedParam(name('icon'))
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
    logo: readLogo(raw),
  }
}

/** `logo[type]=url` with an http(s) `logo[url]`; `type: file` needs file uploads, not modelled. */
function readLogo(raw: Params): Stripe.Checkout.Session.BrandingSettings.Logo | null {
  const logo = optObject(raw, 'logo', 'branding_settings[logo]')
  if (!logo) return null
  allowOnly(logo, ['type', 'url', 'file'], 'branding_settings[logo]')
  const type = optEnum(logo, 'type', ['file', 'url'] as const, 'branding_settings[logo][type]')
  if (type !== 'url') {
    if (type === 'file')
      throw unsupportedParam('branding_settings[logo][type]', 'file uploads are not modelled')
    throw invalidParam(
      'branding_settings[logo][type]',
      'Missing required param: branding_settings[logo][type].',
    )
  }
  if (logo.file !== undefined)
    throw invalidParam(
      'branding_settings[logo][file]',
      'branding_settings[logo][file] is only allowed with type file.',
    )
  const url = reqString(logo, 'url', 'branding_settings[logo][url]')
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol))
    throw invalidParam('branding_settings[logo][url]', 'Invalid URL: branding_settings[logo][url].')
  return { type: 'url', url }
}
