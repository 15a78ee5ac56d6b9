import type { Executor } from '../../db/database.js'
import type { PasswordLinkRow } from './table.js'

export async function findPasswordHash(db: Executor, customerId: string): Promise<string | null> {
  const row = await db
    .selectFrom('customers')
    .select('password_hash')
    .where('id', '=', customerId)
    .executeTakeFirst()
  return row?.password_hash ?? null
}

export async function setPasswordHash(db: Executor, customerId: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('customers')
    .set({ password_hash: passwordHash })
    .where('id', '=', customerId)
    .execute()
}

export async function insertPasswordLink(db: Executor, row: Omit<PasswordLinkRow, 'used_at'>): Promise<void> {
  await db
    .insertInto('password_links')
    .values({ ...row, used_at: null })
    .execute()
}

/** Uses up a link in one conditional update: only one caller ever gets the row back. */
export async function consumePasswordLink(
  db: Executor,
  tokenHash: string,
  nowIso: string,
): Promise<PasswordLinkRow | undefined> {
  return db
    .updateTable('password_links')
    .set({ used_at: nowIso })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .returningAll()
    .executeTakeFirst()
}

export async function findLivePasswordLink(
  db: Executor,
  tokenHash: string,
  nowIso: string,
): Promise<PasswordLinkRow | undefined> {
  return db
    .selectFrom('password_links')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst()
}

/** Signs the customer out everywhere (after a password change). */
export async function deleteSessionsOfCustomer(db: Executor, customerId: string): Promise<void> {
  await db.deleteFrom('sessions').where('customer_id', '=', customerId).execute()
}
