import { describe, expect, it } from 'vitest'
import { dbTimeOf, toDbTime } from './clock.js'

describe('dbTimeOf', () => {
  it('is toISOString for every date, whatever was asked before', () => {
    const times = [
      0, 1, 1, 1_764_000_000_000, 1_764_000_000_000, 1_764_000_000_001, 5, 32_503_680_000_000, -1,
    ]
    for (const ms of times) expect(dbTimeOf(new Date(ms))).toBe(new Date(ms).toISOString())
  })

  it('still throws for an invalid date', () => {
    expect(() => dbTimeOf(new Date(Number.NaN))).toThrow(RangeError)
  })
})

describe('toDbTime', () => {
  // Years 1000 to 9999 are put together by hand; the rest, and invalid dates, are toISOString's.
  const edges = [
    Date.UTC(1000, 0, 1),
    Date.UTC(1000, 0, 1) - 1,
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1,
    Date.UTC(2024, 1, 29, 9, 5, 7, 42),
    Date.UTC(2026, 11, 7, 0, 0, 0, 7),
    0,
    -1,
    8.64e15,
    -8.64e15,
  ]

  it('is toISOString at the edges of the years it formats, and outside them', () => {
    for (const ms of edges) expect(toDbTime(new Date(ms))).toBe(new Date(ms).toISOString())
  })

  it('is toISOString for 200,000 random instants from year 1000 to 9999', () => {
    const from = Date.UTC(1000, 0, 1)
    const span = Date.UTC(10000, 0, 1) - from
    for (let i = 0; i < 200_000; i++) {
      const date = new Date(from + Math.floor(Math.random() * span))
      expect(toDbTime(date)).toBe(date.toISOString())
    }
  })

  it('throws for an invalid date, as toISOString does', () => {
    expect(() => toDbTime(new Date(Number.NaN))).toThrow(RangeError)
  })
})
