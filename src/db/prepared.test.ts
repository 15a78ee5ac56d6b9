/** @see issue 12: hot reads compiled once, with each call's own values bound. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../test/harness.js'
import type { Executor } from './database.js'
import { prepared } from './prepared.js'

const AT = '2026-12-01T00:00:00.000Z'

describe.each(DIALECTS)('prepared queries on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await t.deps.db
      .insertInto('customers')
      .values(['a', 'b', 'c'].map((x) => ({ id: `cu_${x}`, email: `${x}@example.com`, created_at: AT })))
      .execute()
  })
  afterAll(() => t.close())

  const byEmailFrom = (db: Executor, email: string, from: string) =>
    db
      .selectFrom('customers')
      .select(['id', 'email'])
      .where('email', '=', email)
      .where('created_at', '>=', from)
      .where('id', 'like', 'cu_%')

  it('answers each call with its own values, as the query built anew does', async () => {
    const query = prepared(byEmailFrom)
    for (const [email, from] of [
      ['b@example.com', AT],
      ['a@example.com', AT],
      ['c@example.com', '2027-01-01T00:00:00.000Z'],
      ['nobody@example.com', AT],
      ['c@example.com', AT],
    ] as const) {
      const fresh = await byEmailFrom(t.deps.db, email, from).execute()
      expect(await query(t.deps.db, email, from), email).toEqual(fresh)
    }
    expect((await query(t.deps.db, 'a@example.com', AT))[0]?.id).toBe('cu_a')
    // Inside a transaction too (compiled for that handle).
    await t.deps.db.transaction().execute(async (trx) => {
      expect((await query(trx, 'b@example.com', AT))[0]?.id).toBe('cu_b')
    })
  })

  it('refuses a builder that does not bind an argument as a value', async () => {
    const ignores = prepared((db, email: string, _unused: string) =>
      db.selectFrom('customers').select('id').where('email', '=', email),
    )
    await expect(ignores(t.deps.db, 'a@example.com', 'x')).rejects.toThrow(/argument 1 is not bound/)
  })
})
