import { describe, expect, it } from 'vitest'
import { openToken, sealToken } from './seal.js'

describe('access-token seal', () => {
  it('opens what it sealed, and nothing under another secret or after tampering', () => {
    const sealed = sealToken('secret-one-0123456789abcdef0123456789', 'raw-token-value')
    expect(sealed).not.toContain('raw-token-value')
    expect(openToken('secret-one-0123456789abcdef0123456789', sealed)).toBe('raw-token-value')
    expect(openToken('secret-two-0123456789abcdef0123456789', sealed)).toBeUndefined()
    // Change the second-to-last character (all six of its bits count) to a different one.
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`
    expect(flipped).not.toBe(sealed)
    expect(openToken('secret-one-0123456789abcdef0123456789', flipped)).toBeUndefined()
  })
})
