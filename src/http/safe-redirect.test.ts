/** @see issue 9 (open redirect after sign-in: `/%09/evil.example`) */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeNext } from './safe-redirect.js'

const BASE = 'https://store.example'

/** Where a browser would go: the WHATWG parser (what browsers use) drops tabs/newlines itself. */
function browserTarget(location: string): URL {
  return new URL(location, BASE)
}

describe('safeNext', () => {
  it.each([
    '/%09/evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '/%5Cevil.example',
    '/%5cevil.example',
    '/%2F/evil.example',
    '/%252F/evil.example',
    '/%25252F%25252Fevil.example',
    '\\\\evil.example',
    'https://evil.example',
    'https:/evil.example',
    '//user@evil.example',
    '/..//evil.example',
    '/./..//evil.example',
    ' /evil',
    '/x\u0000',
    '/%E0%A4%A',
    'evil.example',
    '',
    `/${'a'.repeat(3000)}`,
  ])('refuses %j', (target) => {
    expect(safeNext(target)).toBeUndefined()
  })

  it.each([
    ['/library', '/library'],
    ['/premium?x=1#top', '/premium?x=1#top'],
    ['/download/f%2Fx', '/download/f%2Fx'],
    ['/a/../b', '/b'],
    ['/@evil.example', '/@evil.example'],
  ])('keeps %j as %j', (target, kept) => {
    expect(safeNext(target)).toBe(kept)
  })

  it('never returns a target a browser would resolve off-site (property)', () => {
    const pieces = fc.constantFrom(
      '/',
      '\\',
      '\t',
      '\n',
      '\r',
      ' ',
      '%',
      '%2F',
      '%5C',
      '%09',
      '%25',
      '@',
      ':',
      '.',
      '..',
      'evil.example',
      '?',
      '#',
      'a',
      '\u0000',
      '\u3000',
    )
    const targets = fc.oneof(
      fc.string(),
      fc.array(pieces, { maxLength: 12 }).map((p) => p.join('')),
    )
    fc.assert(
      fc.property(targets, (target) => {
        const kept = safeNext(target)
        if (kept === undefined) return
        expect(kept.startsWith('/')).toBe(true)
        expect(browserTarget(kept).origin).toBe(BASE)
        // Also after one more decode (a proxy or app that decodes Location once more).
        let decoded = kept
        try {
          decoded = decodeURIComponent(kept)
        } catch {}
        expect(browserTarget(decoded).origin).toBe(BASE)
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps every plain same-site path (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/)
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = `/${segments.join('/')}`
        expect(safeNext(path)).toBe(path)
      }),
    )
  })
})
