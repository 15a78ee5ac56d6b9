/**
 * Currency facts the emulator checks amounts against: Stripe's zero-decimal currencies and its
 * minimum charge amounts (docs.stripe.com/currencies, "Minimum and maximum charge amounts").
 * @module
 */
import { invalidParam } from './errors.js'

/** Amounts in these are whole units (`amount=50` is ¥50). */
export const ZERO_DECIMAL: ReadonlySet<string> = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
])

/**
 * Stripe's published minimum charge per currency, in minor units. Stripe takes the equivalent of
 * $0.50 in the others, at a conversion rate the emulator does not know: those are not checked.
 */
export const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
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
  huf: 17_500,
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

/** `$0.50 usd`, `¥50 jpy`: an amount in minor units as Stripe's error messages write it. */
export function moneyText(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? amount : amount / 100
  let text: string
  try {
    text = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: currency.toUpperCase(),
      currencyDisplay: 'narrowSymbol',
    }).format(major)
  } catch {
    text = major.toFixed(ZERO_DECIMAL.has(currency) ? 0 : 2)
  }
  return `${text} ${currency}`
}

/** Refuses a charge below the currency's minimum, as Stripe does (`amount_too_small`). */
export function checkMinimumCharge(amount: number, currency: string, param = 'amount'): void {
  const minimum = MINIMUM_CHARGE[currency]
  if (minimum !== undefined && amount < minimum)
    throw invalidParam(param, `Amount must be at least ${moneyText(minimum, currency)}`, 'amount_too_small')
}
