/**
 * Stripe-shaped ids: `<prefix>_<random>`; test-mode Checkout Sessions get `cs_test_`.
 * @module
 */
import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export function randomString(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length]
  return out
}

/** `newId('cus')` → `cus_1Q2w3E4r5T6y7U8i9O0pAsDf`. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomString(length)}`
}
