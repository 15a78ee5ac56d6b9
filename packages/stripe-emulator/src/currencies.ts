/**
 * Currency facts the emulator checks against: the currencies Stripe supports, its zero-decimal
 * ones and its minimum charge amounts (docs.stripe.com/currencies, "Minimum and maximum charge
 * amounts").
 * @module
 */
import { invalidParam } from './errors.js'

/**
 * Stripe's presentment currencies (docs.stripe.com/currencies#presentment-currencies), in the
 * order its "Invalid currency" message lists them: USD first, then alphabetical.
 */
export const SUPPORTED_CURRENCIES: readonly string[] = (
  'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn ' +
  'bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf ' +
  'gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr ' +
  'lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen ' +
  'pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd ' +
  'top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw'
).split(' ')

const SUPPORTED = new Set(SUPPORTED_CURRENCIES)

/**
 * A currency parameter as Stripe reads it: lower-cased, and refused unless Stripe supports it.
 * Returns the lower-case code.
 */
export function readCurrency(value: string, param: string): string {
  const currency = value.toLowerCase()
  if (!SUPPORTED.has(currency))
    throw invalidParam(
      param,
      `Invalid currency: ${currency}. Stripe currently supports these currencies: ${SUPPORTED_CURRENCIES.join(', ')}`,
    )
  return currency
}

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
