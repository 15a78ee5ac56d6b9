/**
 * Sign-in links: single use, 15 minutes. The token travels only in the email; the database keeps
 * its SHA-256, and consuming it is one conditional update, so a link works exactly once.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { newId } from '../../lib/ids.js'
import { generateToken, hashToken } from '../../lib/tokens.js'
import { enqueueMail } from '../mail/index.js'
import { LOGIN_LINK_TEMPLATE, type LoginLinkMail } from './mail.js'
import { consumeSignInLink, insertSignInLink } from './repo.js'

export const SIGN_IN_LINK_MINUTES = 15

/** Creates a link for the customer and queues the email, in the caller's transaction. */
export async function sendSignInLink(
  deps: Deps,
  trx: Executor,
  customer: { id: string; email: string },
): Promise<void> {
  const now = deps.clock.now()
  const token = generateToken()
  await insertSignInLink(trx, {
    id: newId('lnk', now.getTime()),
    customer_id: customer.id,
    token_hash: hashToken(token),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000).toISOString(),
  })
  const data: LoginLinkMail = {
    url: `${deps.config.publicUrl}/login/link?token=${encodeURIComponent(token)}`,
    minutes: SIGN_IN_LINK_MINUTES,
  }
  await enqueueMail(trx, { to: customer.email, template: LOGIN_LINK_TEMPLATE, data }, deps)
}

/** Uses up a link; returns its customer id, or undefined when unknown, used or expired. */
export async function redeemSignInLink(trx: Executor, token: string, now: Date): Promise<string | undefined> {
  return consumeSignInLink(trx, hashToken(token), now.toISOString())
}
