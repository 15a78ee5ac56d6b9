/** @see issue 12: hot reads compiled once, with each call's own values bound. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../test/harness.js'
import { connectDatabase } from './connect.js'
import type { Database, Executor } from './database.js'
import { migrateToLatest } from './migrate.js'
import { prepared } from './prepared.js'
import { sqliteReaderOf } from './sqlite-reader.js'

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

/**
 * A SQLite file's root handle answers prepared SELECTs from its read-only connection
 * (sqlite-reader.ts): committed writes at once, never a transaction's uncommitted ones.
 */
describe('prepared reads on a SQLite file', () => {
  let dir: string
  let db: Kysely<Database>
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-reader-'))
    db = connectDatabase(join(dir, 'store.db'))
    await migrateToLatest(db)
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
  })
  const byId = prepared((h, id: string) =>
    h.selectFrom('customers').select(['id', 'email']).where('id', '=', id),
  )

  it('goes to the read-only connection, and sees each committed write at once', async () => {
    expect(sqliteReaderOf(db)).toBeDefined()
    expect(await byId(db, 'cu_r1')).toEqual([])
    await db
      .insertInto('customers')
      .values({ id: 'cu_r1', email: 'r1@example.com', created_at: AT })
      .execute()
    expect(await byId(db, 'cu_r1')).toEqual([{ id: 'cu_r1', email: 'r1@example.com' }])
    await db.updateTable('customers').set({ email: 'new@example.com' }).where('id', '=', 'cu_r1').execute()
    expect(await byId(db, 'cu_r1')).toEqual([{ id: 'cu_r1', email: 'new@example.com' }])
  })

  it('makes the same rows as Kysely: keys in column order, a repeated name keeping its last value', async () => {
    await db
      .insertInto('customers')
      .values({ id: 'cu_r3', email: 'r3@example.com', created_at: AT })
      .execute()
    await db
      .insertInto('sessions')
      .values({ id: 'ses_r3', customer_id: 'cu_r3', token_hash: 'h_r3', created_at: AT, expires_at: AT })
      .execute()
    const build = (h: Executor, id: string) =>
      h
        .selectFrom('sessions')
        .innerJoin('customers', 'customers.id', 'sessions.customer_id')
        .selectAll('sessions')
        .selectAll('customers')
        .where('sessions.id', '=', id)
    const rows = await prepared(build)(db, 'ses_r3')
    const fresh = await build(db, 'ses_r3').execute()
    expect(rows).toEqual(fresh)
    expect(rows.map((row) => Object.entries(row))).toEqual(fresh.map((row) => Object.entries(row)))
    expect(rows[0]?.id).toBe('cu_r3') // customers.id came last
  })

  it('does not see what a transaction has not committed; the transaction sees its own writes', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let inserted: () => void = () => {}
    const written = new Promise<void>((resolve) => {
      inserted = resolve
    })
    const transaction = db.transaction().execute(async (trx) => {
      await trx
        .insertInto('customers')
        .values({ id: 'cu_r2', email: 'r2@example.com', created_at: AT })
        .execute()
      expect(sqliteReaderOf(trx)).toBeUndefined()
      expect(await byId(trx, 'cu_r2')).toHaveLength(1)
      inserted()
      await held
    })
    await written
    expect(await byId(db, 'cu_r2')).toEqual([])
    release()
    await transaction
    expect(await byId(db, 'cu_r2')).toHaveLength(1)
  })

  it('closes both connections with the handle, so the write-ahead log is checkpointed and removed', async () => {
    await db.destroy()
    expect(existsSync(join(dir, 'store.db-wal'))).toBe(false)
  })
})
