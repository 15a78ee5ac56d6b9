import { describe, expect, it } from 'vitest'
import { newId } from './ids.js'
import { generateToken, hashToken, safeEqual } from './tokens.js'

describe('ids', () => {
  it('are prefixed and sort by creation time', () => {
    const a = newId('ord', 1_700_000_000_000)
    const b = newId('ord', 1_700_000_000_001)
    expect(a).toMatch(/^ord_[0-9a-z]{26}$/)
    expect(a < b).toBe(true)
    expect(newId('ord', 1)).not.toBe(newId('ord', 1))
    expect(() => newId('Bad!', 1)).toThrow()
  })
})

describe('tokens', () => {
  it('have at least 128 bits and are stored as SHA-256', () => {
    const token = generateToken()
    expect(Buffer.from(token, 'base64url').length).toBe(32)
    expect(() => generateToken(8)).toThrow()
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashToken(token)).toBe(hashToken(token))
  })

  it('compare in constant time regardless of length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('abc', 'abcd')).toBe(false)
  })
})
