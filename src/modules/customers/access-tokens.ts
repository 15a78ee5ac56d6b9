/**
 * Access tokens: the "password" a guest buyer gets with a purchase. 256 random bits, shown once
 * (success page, confirmation email), stored only as SHA-256 and compared in constant time.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { generateToken, hashToken, safeEqual } from '../../lib/tokens.js'
import { insertAccessToken, listLiveAccessTokenHashes } from './repo.js'

/** A new raw access token, for a caller that needs it before `issueAccessToken` stores it. */
export function newAccessToken(): string {
  return generateToken()
}

/**
 * Stores an access token for the customer in the caller's transaction (`token`, from
 * `newAccessToken`, or a new one); returns the raw token.
 */
export async function issueAccessToken(
  trx: Executor,
  input: { customerId: string; orderId?: string; now: Date; token?: string },
): Promise<string> {
  const token = input.token ?? generateToken()
  await insertAccessToken(trx, {
    id: newId('atk', input.now.getTime()),
    customer_id: input.customerId,
    token_hash: hashToken(token),
    order_id: input.orderId ?? null,
    created_at: input.now.toISOString(),
    revoked_at: null,
  })
  return token
}

/** Stands in when the email is unknown, so that path does the same work as a known one. */
const NO_TOKEN_HASH = hashToken('tollgate:no-token')

/** Whether `token` is one of the customer's live tokens; every candidate is compared in constant time. */
export async function verifyAccessToken(
  db: Executor,
  customerId: string | undefined,
  token: string,
): Promise<boolean> {
  const hashes = customerId ? await listLiveAccessTokenHashes(db, customerId) : []
  const presented = hashToken(token.trim())
  let matched = false
  for (const hash of hashes.length > 0 ? hashes : [NO_TOKEN_HASH]) {
    matched = safeEqual(presented, hash) || matched
  }
  return matched && hashes.length > 0
}
