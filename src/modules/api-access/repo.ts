import type { Executor } from '../../db/database.js'
import type { ApiKeyRow } from './table.js'

export async function insertApiKey(db: Executor, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute()
}

export async function findLiveApiKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export async function touchApiKey(db: Executor, id: string, nowIso: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: nowIso }).where('id', '=', id).execute()
}

export async function listApiKeyRows(db: Executor): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute()
}

export async function revokeApiKeyRow(db: Executor, id: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: nowIso })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
