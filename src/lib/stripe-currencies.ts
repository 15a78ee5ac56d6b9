/**
 * Currencies an integrator may charge through `/api/v1/checkout-sessions`, with Stripe's minimum
 * charge in minor units. These are the currencies whose minimum Stripe publishes (docs "Minimum and
 * maximum charge amounts"); for Stripe's other presentment currencies the minimum is "the
 * equivalent of 0.50 USD", which needs an exchange rate, so they are refused here rather than let
 * Stripe refuse them after we answered. Amounts above eight digits are refused by Stripe too.
 * @module
 */

const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
}

/** Stripe's ceiling: an amount of at most eight digits (99,999,999 minor units). */
export const MAXIMUM_CHARGE = 99_999_999

export const CHARGE_CURRENCIES: readonly string[] = Object.keys(MINIMUM_CHARGE)

/** Stripe's minimum for `currency` (lower-case ISO 4217) in minor units; undefined = not accepted. */
export function minimumCharge(currency: string): number | undefined {
  return Object.hasOwn(MINIMUM_CHARGE, currency) ? MINIMUM_CHARGE[currency] : undefined
}

/** Stripe's billing intervals, shortest first. */
export const BILLING_INTERVALS = ['day', 'week', 'month', 'year'] as const
export type BillingInterval = (typeof BILLING_INTERVALS)[number]

/** Stripe's longest billing interval: three years (3 years, 36 months, 156 weeks, 1095 days). */
export const MAX_INTERVAL_COUNT: Readonly<Record<BillingInterval, number>> = {
  day: 1095,
  week: 156,
  month: 36,
  year: 3,
}
