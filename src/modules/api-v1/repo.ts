import type { Executor } from '../../db/database.js'
import { insertIfAbsent } from '../../db/portable.js'
import type { ApiIdempotencyRow } from './table.js'

export async function findIdempotentAnswer(db: Executor, id: string): Promise<ApiIdempotencyRow | undefined> {
  return db.selectFrom('api_idempotency').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Keeps the first answer for an id; a concurrent second writer keeps nothing. */
export async function insertIdempotentAnswer(db: Executor, row: ApiIdempotencyRow): Promise<boolean> {
  return insertIfAbsent(db, db.insertInto('api_idempotency').values(row), 'id')
}

/** Housekeeping: answers older than `beforeIso` (keys are honoured for a day, as Stripe does). */
export async function pruneIdempotentAnswers(db: Executor, beforeIso: string): Promise<number> {
  const result = await db.deleteFrom('api_idempotency').where('created_at', '<', beforeIso).executeTakeFirst()
  return Number(result.numDeletedRows)
}
