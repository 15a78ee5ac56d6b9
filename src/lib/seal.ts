/**
 * Secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from a configured secret and a
 * purpose, so one secret yields independent keys for independent uses. A sealed value carries a
 * version prefix, which also tells it apart from a value stored in clear by an older version.
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const PREFIX = 'sealed:v1:'

function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'tollgate', `tollgate:${purpose}`, 32))
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX)
}

export function seal(secret: string, purpose: string, plaintext: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

/** Opens a sealed value; undefined if it was tampered with or sealed under another secret or purpose. */
export function unseal(secret: string, purpose: string, sealed: string): string | undefined {
  if (!isSealed(sealed)) return undefined
  try {
    const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), bytes.subarray(0, 12))
    decipher.setAuthTag(bytes.subarray(12, 28))
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}
