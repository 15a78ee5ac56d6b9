import { describe, expect, it } from 'vitest'
import { dbTimeOf } from './clock.js'

describe('dbTimeOf', () => {
  it('is toISOString for every date, whatever was asked before', () => {
    const times = [0, 1, 1, 1_764_000_000_000, 1_764_000_000_000, 1_764_000_000_001, 5, 32_503_680_000_000, -1]
    for (const ms of times) expect(dbTimeOf(new Date(ms))).toBe(new Date(ms).toISOString())
  })

  it('still throws for an invalid date', () => {
    expect(() => dbTimeOf(new Date(Number.NaN))).toThrow(RangeError)
  })
})
