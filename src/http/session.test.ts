import fc from 'fast-check'
import { parse } from 'hono/utils/cookie'
import { describe, expect, it } from 'vitest'
import { cookieValue, SESSION_COOKIE } from './session.js'

const NAMES = [SESSION_COOKIE, `__Host-${SESSION_COOKIE}`]

describe('cookieValue', () => {
  it('reads the value hono would read', () => {
    expect(cookieValue('tollgate_session=abc', SESSION_COOKIE)).toBe('abc')
    expect(cookieValue('a=1; tollgate_session = "x%20y" ;b=2', SESSION_COOKIE)).toBe('x y')
    expect(cookieValue('__Host-tollgate_session=h; tollgate_session=p', SESSION_COOKIE)).toBe('p')
    expect(cookieValue('tollgate_session=bad\\value; tollgate_session=good', SESSION_COOKIE)).toBe('good')
    expect(cookieValue('xtollgate_session=no', SESSION_COOKIE)).toBeUndefined()
    expect(cookieValue('tollgate_session', SESSION_COOKIE)).toBeUndefined()
  })

  it('agrees with hono parse on generated Cookie headers', () => {
    const piece = fc.constantFrom(
      ...NAMES,
      'a',
      'other',
      ' ',
      '\t',
      '=',
      ';',
      '"',
      '%',
      '%2',
      '%20',
      ',',
      'x',
      '\\',
      'é',
    )
    const pair = fc
      .tuple(
        fc.array(piece, { maxLength: 4 }),
        fc.constantFrom(...NAMES, 'a', ''),
        fc.array(piece, { maxLength: 6 }),
      )
      .map(([pre, name, value]) => `${pre.join('')}${name}=${value.join('')}`)
    const header = fc
      .tuple(
        fc.array(fc.oneof(pair, fc.string({ maxLength: 8 })), { maxLength: 5 }),
        fc.constantFrom(';', '; ', ' ;'),
      )
      .map(([pairs, separator]) => pairs.join(separator))
    fc.assert(
      fc.property(header, fc.constantFrom(...NAMES), (text, name) => {
        expect(cookieValue(text, name)).toBe(parse(text, name)[name])
      }),
      { numRuns: 5000 },
    )
  })
})
