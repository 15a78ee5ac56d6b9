/**
 * Stripe-shaped ids: `<prefix>_<random>`; test-mode Checkout Sessions get `cs_test_`.
 * @module
 */
import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * Bytes come from the CSPRNG a few kilobytes at a time, each used once: a `randomBytes` call per id
 * cost more than the rest of making it (ids are made for every object and event).
 */
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let offset = 0

export function randomString(length: number): string {
  if (length > POOL_SIZE) return encode(randomBytes(length), 0, length)
  if (offset + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE)
    offset = 0
  }
  const out = encode(pool, offset, length)
  offset += length
  return out
}

function encode(bytes: Buffer, from: number, length: number): string {
  let out = ''
  for (let i = from; i < from + length; i++) out += ALPHABET[(bytes[i] as number) % ALPHABET.length]
  return out
}

/** `newId('cus')` → `cus_1Q2w3E4r5T6y7U8i9O0pAsDf`. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomString(length)}`
}
