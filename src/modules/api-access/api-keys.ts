/**
 * API keys for other backends (`npx tollgate api-key create`): `tgk_` + 256 random bits, printed
 * once, stored only as SHA-256; looked up by hash (a unique index), so no timing depends on the
 * secret beyond the hash itself.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { generateToken, hashToken } from '../../lib/tokens.js'
import { findLiveApiKeyByHash, insertApiKey, touchApiKey } from './repo.js'
import type { ApiKeyRow } from './table.js'

const PREFIX = 'tgk_'

export async function createApiKey(
  db: Executor,
  input: { name: string; now: Date },
): Promise<{ id: string; key: string }> {
  const key = `${PREFIX}${generateToken()}`
  const id = newId('key', input.now.getTime())
  await insertApiKey(db, {
    id,
    name: input.name,
    key_hash: hashToken(key),
    prefix: key.slice(0, 10),
    created_at: input.now.toISOString(),
    last_used_at: null,
    revoked_at: null,
  })
  return { id, key }
}

export async function verifyApiKey(db: Executor, key: string, now: Date): Promise<ApiKeyRow | undefined> {
  if (!key.startsWith(PREFIX)) return undefined
  const row = await findLiveApiKeyByHash(db, hashToken(key))
  if (row) await touchApiKey(db, row.id, now.toISOString())
  return row
}
