/**
 * Money is an integer number of minor units plus an ISO currency, as Stripe does it. Decimal
 * strings are converted by string arithmetic on the currency's exponent; no floats touch amounts.
 * @module
 */

/** Currencies Stripe treats as having no minor unit. */
const ZERO_DECIMAL = new Set([
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
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd'])

export function currencyExponent(currency: string): 0 | 2 | 3 {
  const c = currency.toLowerCase()
  if (ZERO_DECIMAL.has(c)) return 0
  if (THREE_DECIMAL.has(c)) return 3
  return 2
}

/**
 * "19.00" in usd → 1900; "1500" in jpy → 1500; "19.5" in jpy → error. Throws on anything that is
 * not an exact non-negative amount in the currency.
 */
export function parseMoney(text: string, currency: string): number {
  const exponent = currencyExponent(currency)
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim())
  if (!match) throw new RangeError(`"${text}" is not a decimal amount`)
  const whole = match[1] as string
  const fraction = (match[2] ?? '').replace(/0+$/, '')
  if (fraction.length > exponent) {
    throw new RangeError(`"${text}" has more decimals than ${currency.toUpperCase()} allows (${exponent})`)
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'))
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`"${text}" is too large`)
  return Number(minor)
}

/** 1900 usd → "19.00"; 1500 jpy → "1500". Exact, by string arithmetic. */
export function minorToDecimal(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError('Amounts are integers of minor units')
  const exponent = currencyExponent(currency)
  const sign = amount < 0 ? '-' : ''
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0')
  if (exponent === 0) return sign + digits
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`
}

/** 1900 usd → "$19.00", 1500 jpy → "¥1,500". Intl formats the exact decimal string. */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  // Intl accepts decimal strings and formats them exactly (no binary floating point).
  return formatterFor(currency, locale).format(minorToDecimal(amount, currency) as unknown as number)
}

/**
 * Building an Intl.NumberFormat costs far more than formatting with one, and a store page formats
 * every price: formatters are kept per currency and locale (a formatter holds no amounts).
 */
const formatters = new Map<string, Intl.NumberFormat>()
const MAX_FORMATTERS = 256

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`
  let format = formatters.get(key)
  if (format) return format
  format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: currencyExponent(currency),
    maximumFractionDigits: currencyExponent(currency),
  })
  if (formatters.size >= MAX_FORMATTERS) formatters.clear()
  formatters.set(key, format)
  return format
}

/** Integer division rounded half up, for non-negative integers (no float touches money). */
export function roundDiv(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator))
}
