import type { Executor } from '../../db/database.js'
import type { SigningKeyRow } from './table.js'

export async function findNewestSigningKey(db: Executor): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .executeTakeFirst()
}

export async function listSigningKeys(db: Executor): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .execute()
}

/** Replaces a key's private half, if it is still what the caller read (sealing a clear one). */
export async function updateSigningKeyPrivate(
  db: Executor,
  kid: string,
  expected: string,
  privateJwk: string,
): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ private_jwk: privateJwk })
    .where('kid', '=', kid)
    .where('private_jwk', '=', expected)
    .execute()
}

export async function insertSigningKey(db: Executor, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute()
}
