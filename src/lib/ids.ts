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

/**
 * Random bytes are drawn from the CSPRNG a few kilobytes at a time, not per id: one call per id
 * cost more than everything else in making it. Each byte is used once.
 */
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let offset = 0

function encodeRandom(length: number): string {
  if (offset + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE)
    offset = 0
  }
  let out = ''
  for (let i = offset; i < offset + length; i++) out += ALPHABET[(pool[i] as number) % 32]
  offset += length
  return out
}
