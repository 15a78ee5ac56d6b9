import { describe, expect, it } from 'vitest'
import { currencyExponent, formatMoney, minorToDecimal, parseMoney, roundDiv } from './money.js'

describe('money', () => {
  it('rounds an integer division half up with integers only', () => {
    expect(roundDiv(1999, 12)).toBe(167) // 166.58
    expect(roundDiv(18, 12)).toBe(2) // 1.5 → 2
    expect(roundDiv(17, 12)).toBe(1)
  })

  it('converts decimal strings exactly by currency exponent', () => {
    expect(parseMoney('19.00', 'usd')).toBe(1900)
    expect(parseMoney('0.29', 'usd')).toBe(29) // 0.29 * 100 is 28.999… in floats
    expect(parseMoney('1.005', 'kwd')).toBe(1005)
    expect(parseMoney('19.5', 'eur')).toBe(1950)
    expect(parseMoney('1500', 'jpy')).toBe(1500)
    expect(parseMoney('1500.00', 'jpy')).toBe(1500)
    expect(parseMoney('9900', 'KRW')).toBe(9900)
  })

  it('refuses amounts the currency cannot hold', () => {
    expect(() => parseMoney('1500.5', 'jpy')).toThrow(/JPY allows \(0\)/)
    expect(() => parseMoney('1.999', 'usd')).toThrow(/USD allows \(2\)/)
    expect(() => parseMoney('-1', 'usd')).toThrow(/not a decimal/)
    expect(() => parseMoney('1e3', 'usd')).toThrow(/not a decimal/)
  })

  it('knows zero-decimal currencies', () => {
    expect(currencyExponent('jpy')).toBe(0)
    expect(currencyExponent('KRW')).toBe(0)
    expect(currencyExponent('usd')).toBe(2)
  })

  it('formats without float arithmetic', () => {
    expect(minorToDecimal(1900, 'usd')).toBe('19.00')
    expect(minorToDecimal(5, 'usd')).toBe('0.05')
    expect(minorToDecimal(1500, 'jpy')).toBe('1500')
    expect(formatMoney(1900, 'usd')).toBe('$19.00')
    expect(formatMoney(1500, 'jpy')).toBe('¥1,500')
    expect(formatMoney(900719925474099, 'usd')).toBe('$9,007,199,254,740.99')
  })

  it('keeps each currency and locale apart when formatters are reused', () => {
    const round = () => [
      formatMoney(1900, 'usd'),
      formatMoney(1900, 'usd', 'de-DE'),
      formatMoney(1200, 'eur', 'de-DE'),
      formatMoney(1500, 'jpy'),
      formatMoney(1234, 'kwd'),
    ]
    const expected = ['$19.00', '19,00 $', '12,00 €', '¥1,500', 'KWD 1.234']
    expect(round().map((s) => s.replace(/\s/g, ' '))).toEqual(expected)
    expect(round().map((s) => s.replace(/\s/g, ' '))).toEqual(expected)
  })
})
