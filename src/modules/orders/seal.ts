/**
 * The success page must show the access token once, but fulfilment (often the webhook) issues
 * it. The raw token is kept on the order sealed with AES-256-GCM under a key derived from
 * SESSION_SECRET, and the seal is removed by the one request that reveals it (or after an hour).
 * @module
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import type { Executor } from '../../db/database.js'
import { clearStaleSeals } from './repo.js'

/** How long after fulfilment the success page may still reveal the token (and sign the buyer in). */
export const REVEAL_WINDOW_MS = 60 * 60_000

function keyFrom(secret: string): Buffer {
  return createHash('sha256').update(`tollgate:access-token-seal:${secret}`).digest()
}

export function sealToken(secret: string, token: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv)
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
}

/** Opens a seal; undefined if it was tampered with or sealed under another secret. */
export function openToken(secret: string, sealed: string): string | undefined {
  try {
    const bytes = Buffer.from(sealed, 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), bytes.subarray(0, 12))
    decipher.setAuthTag(bytes.subarray(12, 28))
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}

/** Housekeeping: tokens nobody came back for within the window stay only in the confirmation email. */
export async function forgetUnrevealedTokens(db: Executor, now: Date): Promise<void> {
  await clearStaleSeals(db, new Date(now.getTime() - REVEAL_WINDOW_MS).toISOString())
}
