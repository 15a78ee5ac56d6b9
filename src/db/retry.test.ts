import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/dialects.js'
import type { DB } from './database.js'
import { migrateToLatest } from './migrate.js'
import { transactionRetryingDeadlocks } from './retry.js'

const AT = '2026-12-03T10:00:00.000Z'

// SQLite has one writer at a time and cannot deadlock; the two server dialects can.
describe.each(DIALECTS.filter((d) => d !== 'sqlite'))('deadlock retry on %s', (dialect) => {
  let database: TestDatabase
  let db: DB

  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    db = database.db as DB
    await migrateToLatest(db)
    for (const id of ['cus_a', 'cus_b']) {
      await db
        .insertInto('customers')
        .values({ id, email: `${id}@x.io`, stripe_customer_id: null, password_hash: null, created_at: AT })
        .execute()
    }
  })
  afterAll(async () => {
    await database.close()
  })

  /** Locks one row, waits until the other transaction holds its row, then wants that one too. */
  function lockInOrder(first: string, second: string, ready: Promise<unknown>, held: () => void) {
    return async (trx: Parameters<Parameters<typeof transactionRetryingDeadlocks>[1]>[0]) => {
      await trx.updateTable('customers').set({ email: sql`email` }).where('id', '=', first).execute()
      held()
      await ready
      await trx.updateTable('customers').set({ email: sql`email` }).where('id', '=', second).execute()
      return first
    }
  }

  it('two transactions locking rows in opposite orders both complete: the victim runs again', async () => {
    let holdA!: () => void
    let holdB!: () => void
    const aHolds = new Promise<void>((resolve) => {
      holdA = resolve
    })
    const bHolds = new Promise<void>((resolve) => {
      holdB = resolve
    })
    let attempts = 0
    const results = await Promise.all([
      transactionRetryingDeadlocks(db, (trx) => {
        attempts++
        return lockInOrder('cus_a', 'cus_b', bHolds, holdA)(trx)
      }),
      transactionRetryingDeadlocks(db, (trx) => {
        attempts++
        return lockInOrder('cus_b', 'cus_a', aHolds, holdB)(trx)
      }),
    ])
    expect(results.sort()).toEqual(['cus_a', 'cus_b'])
    // Exactly one was chosen as the victim and ran a second time.
    expect(attempts).toBe(3)
  }, 60_000)

  it('other errors are not retried', async () => {
    let attempts = 0
    await expect(
      transactionRetryingDeadlocks(db, async () => {
        attempts++
        throw new Error('not a deadlock')
      }),
    ).rejects.toThrow('not a deadlock')
    expect(attempts).toBe(1)
  })
})
