/**
 * Our ids: `<prefix>_<10 chars of millisecond time><16 random chars>`, Crockford base32, so they
 * sort by creation time as plain text on both dialects. Prefixes never collide with Stripe's.
 * @module
 */
import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** `now` is the creation time in ms, from the injected clock (`deps.clock.now().getTime()`). */
export function newId(prefix: string, now: number): string {
  if (!/^[a-z]{2,5}$/.test(prefix)) throw new Error(`Bad id prefix "${prefix}"`)
  return `${prefix}_${encodeTime(now)}${encodeRandom(16)}`
}

function encodeTime(ms: number): string {
  let out = ''
  let rest = Math.floor(ms)
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out
    rest = Math.floor(rest / 32)
  }
  return out
}

function encodeRandom(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += ALPHABET[byte % 32]
  return out
}
