import { describe, expect, it } from 'vitest'
import { firstIdAt, newId } from './ids.js'

describe('newId', () => {
  it('gives a prefixed, time-sortable id with 16 random characters', () => {
    const id = newId('ord', 1_780_000_000_000)
    expect(id).toMatch(/^ord_[0-9a-hjkmnp-tv-z]{26}$/)
    expect(newId('ord', 1_780_000_000_001) > newId('ord', 1_780_000_000_000)).toBe(true)
  })

  it('never repeats, across many more ids than one pool of random bytes holds', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newId('dl', 1_780_000_000_000)))
    expect(ids.size).toBe(20_000)
    const tails = new Set([...ids].map((id) => id.slice(-16)))
    expect(tails.size).toBe(20_000)
  })

  it('writes the time as earlier ids did, so new ids keep sorting after stored ones', () => {
    // 1764900000000 ms in Crockford base32, as the first encoder (string concatenation) wrote it.
    expect(newId('ord', 1_764_900_000_000).slice(4, 14)).toBe('01kbp3sm80')
    expect(newId('ord', 0).slice(4, 14)).toBe('0000000000')
  })

  it('refuses a bad prefix', () => {
    expect(() => newId('Ord', 0)).toThrow('Bad id prefix')
  })
})

describe('firstIdAt', () => {
  it('sorts above every id made earlier and at or below every id made then or later', () => {
    const at = 1_780_000_000_000
    const bound = firstIdAt('ibx', at)
    for (const ms of [0, at - 86_400_000, at - 1])
      for (let i = 0; i < 200; i++) expect(newId('ibx', ms) < bound).toBe(true)
    for (const ms of [at, at + 1, at + 86_400_000])
      for (let i = 0; i < 200; i++) expect(newId('ibx', ms) >= bound).toBe(true)
  })

  it('refuses a prefix newId would refuse', () => {
    expect(() => firstIdAt('IBX', 0)).toThrow(/Bad id prefix/)
  })
})
