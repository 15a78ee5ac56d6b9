/**
 * HTTP Range (RFC 9110 §14): one byte range per request (`bytes=a-b`, `bytes=a-`, `bytes=-n`).
 * Several ranges are answered with the whole file, which the RFC allows, and so is a unit other than
 * bytes, which it requires. A malformed or reversed byte range is refused (416), which it allows.
 * @module
 */

export type ByteRange = { start: number; end: number }

/** undefined: serve the whole file; 'unsatisfiable': answer 416. */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const spec = header.trim()
  if (!/^bytes=/i.test(spec)) return undefined
  const match = /^bytes=(\d*)-(\d*)$/i.exec(spec)
  if (!match) return header.includes(',') ? undefined : 'unsatisfiable'
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return 'unsatisfiable'
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}
