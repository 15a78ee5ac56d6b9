import type { Executor } from '../../db/database.js'
import type { PasswordLinkRow } from './table.js'

export async function insertPasswordLink(db: Executor, row: Omit<PasswordLinkRow, 'used_at'>): Promise<void> {
  await db
    .insertInto('password_links')
    .values({ ...row, used_at: null })
    .execute()
}

/**
 * Uses up a link: reads it while live, then marks it used only if it still is unused. Of concurrent
 * callers only the one whose update matched gets the row back (the others wait on its row lock and
 * then match nothing).
 */
export async function consumePasswordLink(
  db: Executor,
  tokenHash: string,
  nowIso: string,
): Promise<PasswordLinkRow | undefined> {
  const link = await findLivePasswordLink(db, tokenHash, nowIso)
  if (!link) return undefined
  const result = await db
    .updateTable('password_links')
    .set({ used_at: nowIso })
    .where('id', '=', link.id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1 ? { ...link, used_at: nowIso } : undefined
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

/** Deletes used and expired links; housekeeping for the prune job. */
export async function pruneSpentPasswordLinks(db: Executor, nowIso: string): Promise<number> {
  const result = await db
    .deleteFrom('password_links')
    .where((eb) => eb.or([eb('expires_at', '<=', nowIso), eb('used_at', 'is not', null)]))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
