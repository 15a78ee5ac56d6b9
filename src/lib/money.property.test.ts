/**
 * Properties of the money codec (integer minor units ↔ decimal strings): exact both ways, for
 * zero-, two- and three-decimal currencies, refusing what a currency cannot hold.
 * @see issue 9
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { currencyExponent, formatMoney, minorToDecimal, parseMoney } from './money.js'

const CURRENCIES = ['usd', 'eur', 'jpy', 'krw', 'clp', 'kwd', 'bhd', 'gbp'] as const
const currency = fc.constantFrom(...CURRENCIES)
const amount = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`))

describe('money (properties)', () => {
  it('minorToDecimal then parseMoney gives back the same integer, in every currency', () => {
    fc.assert(
      fc.property(amount, currency, (minor, c) => {
        expect(parseMoney(minorToDecimal(minor, c), c)).toBe(minor)
      }),
    )
  })

  it('a decimal string is worth whole × 10^exponent + fraction, exactly (no float rounding)', () => {
    fc.assert(
      fc.property(digits(12), digits(3), currency, (whole, fraction, c) => {
        const exponent = currencyExponent(c)
        const text = `${whole}.${fraction}`
        const significant = fraction.replace(/0+$/, '')
        if (significant.length > exponent) {
          expect(() => parseMoney(text, c)).toThrow(RangeError)
          return
        }
        const expected =
          BigInt(whole) * 10n ** BigInt(exponent) + BigInt(significant.padEnd(exponent, '0') || '0')
        expect(BigInt(parseMoney(text, c))).toBe(expected)
      }),
    )
  })

  it('any other text is refused with a RangeError, or was a plain non-negative decimal', () => {
    fc.assert(
      fc.property(fc.string(), currency, (text, c) => {
        let parsed: number | undefined
        try {
          parsed = parseMoney(text, c)
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError)
          return
        }
        expect(text.trim()).toMatch(/^\d+(\.\d+)?$/)
        expect(Number.isSafeInteger(parsed)).toBe(true)
        expect(parsed).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('zero-decimal amounts have no decimal point; the others exactly their exponent of decimals', () => {
    fc.assert(
      fc.property(amount, currency, (minor, c) => {
        const text = minorToDecimal(minor, c)
        const exponent = currencyExponent(c)
        expect(text.includes('.')).toBe(exponent > 0)
        if (exponent > 0) expect(text.split('.')[1]).toHaveLength(exponent)
      }),
    )
  })

  it('formatting shows the exact digits of the amount (no rounding, no float)', () => {
    fc.assert(
      fc.property(amount, currency, (minor, c) => {
        const shown = formatMoney(minor, c).replace(/\D/g, '')
        const exact = minorToDecimal(minor, c).replace(/\D/g, '')
        expect(shown).toBe(exact)
      }),
    )
  })

  it('refuses amounts that are not integers of minor units', () => {
    fc.assert(
      fc.property(fc.double({ noInteger: true }), currency, (value, c) => {
        expect(() => minorToDecimal(value, c)).toThrow(RangeError)
      }),
    )
  })
})
