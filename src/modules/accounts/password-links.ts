/**
 * Links that prove an email: confirming a registration (which also claims a customer made by a
 * guest purchase) and resetting a password. 256-bit tokens, only their SHA-256 stored, 30 minutes,
 * consumed atomically once.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { newId } from '../../lib/ids.js'
import { generateToken, hashToken } from '../../lib/tokens.js'
import { enqueueMail } from '../mail/index.js'
import { ACCOUNT_MAIL, type AccountLinkMail } from './mail.js'
import { consumePasswordLink, findLivePasswordLink, insertPasswordLink } from './repo.js'
import type { PasswordLinkRow } from './table.js'

export const PASSWORD_LINK_MINUTES = 30
/** A new member's first password: they may read the email a day later, so it lives longer. */
export const WELCOME_LINK_MINUTES = 24 * 60

type LinkKind = 'confirm' | 'exists' | 'reset' | 'welcome'

/** Creates a link and queues its email in the caller's transaction. */
export async function sendPasswordLink(
  deps: Deps,
  trx: Executor,
  input: { customer: { id: string; email: string }; kind: LinkKind; pendingPasswordHash?: string },
): Promise<void> {
  const now = deps.clock.now()
  const token = generateToken()
  const minutes = input.kind === 'welcome' ? WELCOME_LINK_MINUTES : PASSWORD_LINK_MINUTES
  await insertPasswordLink(trx, {
    id: newId('pwl', now.getTime()),
    customer_id: input.customer.id,
    purpose: input.kind === 'confirm' ? 'claim' : 'reset',
    pending_password_hash: input.pendingPasswordHash ?? null,
    token_hash: hashToken(token),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + minutes * 60_000).toISOString(),
  })
  const path = input.kind === 'confirm' ? '/account/confirm' : '/password/reset'
  const data: AccountLinkMail = {
    url: `${deps.config.publicUrl}${path}?token=${encodeURIComponent(token)}`,
    minutes,
  }
  await enqueueMail(trx, { to: input.customer.email, template: ACCOUNT_MAIL[input.kind], data }, deps)
}

/**
 * A customer made by a guest's payment has no password yet: a link to choose one (a reset link,
 * which also works when there is no password to reset). Queued in the caller's transaction.
 */
export async function sendSetPasswordLink(
  deps: Deps,
  trx: Executor,
  customer: { id: string; email: string },
): Promise<void> {
  await sendPasswordLink(deps, trx, { customer, kind: 'welcome' })
}

export async function redeemPasswordLink(
  trx: Executor,
  token: string,
  now: Date,
): Promise<PasswordLinkRow | undefined> {
  return consumePasswordLink(trx, hashToken(token), now.toISOString())
}

/** Whether a link is still usable, without using it (to show the form). */
export async function isPasswordLinkLive(db: Executor, token: string, now: Date): Promise<boolean> {
  return (await findLivePasswordLink(db, hashToken(token), now.toISOString())) !== undefined
}
