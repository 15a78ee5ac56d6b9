import { Kysely, PostgresDialect, type PostgresPool, sql } from 'kysely'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../../test/dialects.js'
import { connectDatabase } from './connect.js'
import { namingStatements } from './pg-statements.js'

type Db = { items: { id: number; name: string } }

/** The statements this connection has prepared under a name (pg's own view). */
async function preparedHere(db: Kysely<Db>): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db)
  return rows.map((r) => r.statement)
}

describe.skipIf(!POSTGRES_URL)('named prepared statements on PostgreSQL', () => {
  let test: TestDatabase
  let db: Kysely<Db>
  let perConnection = 256

  /** A fresh schema with two items, read through one named-statement connection. */
  async function openItems(): Promise<void> {
    test = await createTestDatabase('postgres')
    // One connection, so that what it has prepared can be read back from it.
    const pool = new pg.Pool({
      connectionString: test.databaseUrl,
      max: 1,
      options: `-c search_path=${test.schema}`,
    })
    db = new Kysely<Db>({
      dialect: new PostgresDialect({
        pool: namingStatements(pool, perConnection) as unknown as PostgresPool,
      }),
    })
    await sql`create table items (id integer primary key, name text not null)`.execute(db)
    await db
      .insertInto('items')
      .values([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ])
      .execute()
  }

  beforeEach(async () => {
    await openItems()
  })
  afterEach(async () => {
    await db.destroy()
    await test.close()
    perConnection = 256
  })

  const nameOf = (id: number) => db.selectFrom('items').select('name').where('id', '=', id).executeTakeFirst()

  it('prepares a text with parameters once it is sent a second time, and binds each call its own values', async () => {
    const first = await nameOf(1)
    expect(await preparedHere(db)).toEqual([])
    const names = [first?.name, (await nameOf(2))?.name, (await nameOf(1))?.name, (await nameOf(2))?.name]
    expect(names).toEqual(['one', 'two', 'one', 'two'])
    const prepared = await preparedHere(db)
    expect(prepared).toHaveLength(1)
    expect(prepared[0]).toContain('select "name" from "items" where "id" = $1')
  })

  it('leaves a claim (for update skip locked) unnamed, planned on each run, and still names the rest', async () => {
    // The inbox's claim is built the same way (webhooks/repo.ts): a plan kept from when its table
    // was nearly empty would scan the whole table after a burst of events.
    const claim = (after: number) =>
      db
        .selectFrom('items')
        .select('id')
        .where('id', '>', after)
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
    for (let i = 0; i < 7; i++) {
      expect((await claim(0).executeTakeFirst())?.id).toBe(1)
      expect((await claim(1).executeTakeFirst())?.id).toBe(2)
      await nameOf(1)
    }
    const prepared = await preparedHere(db)
    expect(prepared).toHaveLength(1)
    expect(prepared[0]).toContain('select "name" from "items" where "id" = $1')
  })

  it('leaves texts without parameters (begin, commit) unnamed', async () => {
    for (let i = 0; i < 3; i++) await db.transaction().execute(async (trx) => sql`select 1`.execute(trx))
    expect(await preparedHere(db)).toEqual([])
  })

  it('prepares at most its bound of texts on a connection; the others still run, unnamed', async () => {
    await db.destroy()
    await test.close()
    perConnection = 1
    await openItems()
    const byName = (name: string) =>
      db.selectFrom('items').select('id').where('name', '=', name).executeTakeFirst()
    for (let i = 0; i < 3; i++) {
      expect((await nameOf(1))?.name).toBe('one')
      expect((await byName('one'))?.id).toBe(1)
    }
    expect(await preparedHere(db)).toHaveLength(1)
  })

  it('runs a prepared select * again, newly prepared, after the table changed shape under it', async () => {
    const all = () => db.selectFrom('items').selectAll().where('id', '=', 1).executeTakeFirst()
    await all()
    expect(await all()).toEqual({ id: 1, name: 'one' })
    expect(await preparedHere(db)).toHaveLength(1)
    // What a migration run by another instance does: the prepared plan's result type is stale.
    await sql`alter table items add column note text`.execute(db)
    expect(await all()).toEqual({ id: 1, name: 'one', note: null })
    expect(await all()).toEqual({ id: 1, name: 'one', note: null })
  })
  it('turns naming off and runs the statement again unnamed when the server has lost its name (a pooler)', async () => {
    await nameOf(1)
    expect((await nameOf(1))?.name).toBe('one')
    expect(await preparedHere(db)).toHaveLength(1)
    // What a pooler in transaction mode does: the next server connection has no such statement.
    await sql`deallocate all`.execute(db)
    expect((await nameOf(2))?.name).toBe('two')
    expect((await nameOf(1))?.name).toBe('one')
    expect(await preparedHere(db)).toEqual([])
  })

  it('names nothing when the connection is opened with preparedStatements: false (DATABASE_PREPARED_STATEMENTS)', async () => {
    const namedIn = async (preparedStatements: boolean): Promise<string[]> => {
      const app = connectDatabase(test.databaseUrl, { schema: test.schema, preparedStatements })
      try {
        // One transaction is one connection, so its own prepared statements can be read back.
        return await app.transaction().execute(async (trx) => {
          for (let id = 1; id <= 3; id++) {
            await sql`select name from items where id = ${id}`.execute(trx)
          }
          const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(trx)
          return rows.map((r) => r.name)
        })
      } finally {
        await app.destroy()
      }
    }
    expect(await namedIn(true)).toHaveLength(1)
    expect(await namedIn(false)).toEqual([])
  })
})
