/**
 * Secret tokens (sessions, access tokens, sign-in links): 256 random bits, base64url; only their
 * SHA-256 is stored, and comparisons are constant-time.
 * @module
 */
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto'

export function generateToken(bytes = 32): string {
  if (bytes < 16) throw new Error('Tokens need at least 128 bits')
  return randomBytes(bytes).toString('base64url')
}

/**
 * SHA-256, hex. One-shot `crypto.hash`: every signed-in request hashes its session cookie, and
 * `createHash` builds a Hash object (and its stream machinery) for each.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex')
}

/** Constant-time string equality; hashing first makes the time independent of the lengths too. */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}
