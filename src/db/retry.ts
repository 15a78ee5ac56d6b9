/**
 * Transactions that lose a deadlock are run again. InnoDB (MySQL/MariaDB) picks a victim whenever two
 * transactions lock the same rows in different orders — the return page and the webhook both
 * finding or making the buyer, say — and says "try restarting transaction"; PostgreSQL does the same
 * with 40P01. Both roll the loser back whole, so running the same work again is the documented cure.
 * An edge uses this for work that races another writer by design; everything else stays plain.
 * @module
 */
import type { Transaction } from 'kysely'
import type { Database, DB } from './database.js'

const ATTEMPTS = 4

/** MySQL 1213 (deadlock) and 1205 (lock wait timeout), PostgreSQL 40P01 (deadlock) and 40001 (serialization). */
export function isDeadlock(error: unknown): boolean {
  const e = error as { errno?: unknown; code?: unknown } | null
  if (!e || typeof e !== 'object') return false
  return e.errno === 1213 || e.errno === 1205 || e.code === '40P01' || e.code === '40001'
}

/**
 * `db.transaction().execute(work)`, run again (up to four times, after a short random pause) when
 * the database chose it as a deadlock victim. `work` must do nothing outside the transaction that
 * cannot be repeated.
 */
export async function transactionRetryingDeadlocks<T>(
  db: DB,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work)
    } catch (error) {
      if (attempt >= ATTEMPTS || !isDeadlock(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt))
    }
  }
}
