/**
 * Properties of the Range header parser: whatever a client sends, the answer is the whole file,
 * 416, or one range inside the file; and a well-formed single range means exactly those bytes.
 * @see issue 9
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRange } from './range.js'

const size = fc.integer({ min: 0, max: 10_000_000 })
const offset = fc.integer({ min: 0, max: 20_000_000 })

function expectInside(result: ReturnType<typeof parseRange>, fileSize: number): void {
  if (result === undefined || result === 'unsatisfiable') return
  expect(Number.isSafeInteger(result.start) && Number.isSafeInteger(result.end)).toBe(true)
  expect(result.start).toBeGreaterThanOrEqual(0)
  expect(result.end).toBeGreaterThanOrEqual(result.start)
  expect(result.end).toBeLessThan(fileSize)
}

describe('parseRange (properties)', () => {
  it('any header gives the whole file, 416, or a range inside the file', () => {
    const header = fc.oneof(
      fc.string(),
      fc.tuple(fc.constantFrom('bytes=', 'bytes= ', 'Bytes=', 'items='), fc.string()).map(([a, b]) => a + b),
      fc.tuple(offset, offset).map(([a, b]) => `bytes=${a}-${b}`),
    )
    fc.assert(fc.property(header, size, (h, s) => expectInside(parseRange(h, s), s)))
  })

  it('bytes=a-b inside the file means exactly bytes a to min(b, size - 1)', () => {
    fc.assert(
      fc.property(size, offset, offset, (s, a, b) => {
        const result = parseRange(`bytes=${a}-${b}`, s)
        if (a < s && a <= b) expect(result).toEqual({ start: a, end: Math.min(b, s - 1) })
        else expect(result).toBe('unsatisfiable')
      }),
    )
  })

  it('bytes=a- is the rest of the file; bytes=-n the last n bytes', () => {
    fc.assert(
      fc.property(size, offset, (s, n) => {
        const open = parseRange(`bytes=${n}-`, s)
        expect(open).toEqual(n < s ? { start: n, end: s - 1 } : 'unsatisfiable')
        const suffix = parseRange(`bytes=-${n}`, s)
        expect(suffix).toEqual(n > 0 && s > 0 ? { start: Math.max(0, s - n), end: s - 1 } : 'unsatisfiable')
      }),
    )
  })

  it('several ranges are answered with the whole file', () => {
    const range = fc.tuple(offset, offset).map(([a, b]) => `${a}-${b}`)
    fc.assert(
      fc.property(fc.array(range, { minLength: 2, maxLength: 5 }), size, (ranges, s) => {
        expect(parseRange(`bytes=${ranges.join(',')}`, s)).toBeUndefined()
      }),
    )
  })
})
