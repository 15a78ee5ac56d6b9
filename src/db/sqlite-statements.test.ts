import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { cachingStatements } from './sqlite-statements.js'

type Db = { items: { id: number; name: string } }

describe('the SQLite prepared-statement cache', () => {
  let raw: SQLite.Database
  afterEach(() => raw?.close())

  function open(max?: number): { db: Kysely<Db>; prepared: string[] } {
    raw = new SQLite(':memory:')
    const prepared: string[] = []
    const prepare = raw.prepare.bind(raw)
    raw.prepare = ((text: string) => {
      prepared.push(text)
      return prepare(text)
    }) as typeof raw.prepare
    return {
      db: new Kysely<Db>({ dialect: new SqliteDialect({ database: cachingStatements(raw, max) }) }),
      prepared,
    }
  }

  it('prepares each SQL text once and binds fresh parameters on every run', async () => {
    const { db, prepared } = open()
    await sql`create table items (id integer primary key, name text not null)`.execute(db)
    for (const [id, name] of [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ] as const) {
      await db.insertInto('items').values({ id, name }).execute()
    }
    const names = []
    for (const id of [3, 1, 2]) {
      names.push((await db.selectFrom('items').select('name').where('id', '=', id).executeTakeFirst())?.name)
    }
    expect(names).toEqual(['three', 'one', 'two'])
    const inserts = prepared.filter((text) => text.startsWith('insert'))
    const selects = prepared.filter((text) => text.startsWith('select'))
    expect([inserts.length, selects.length]).toEqual([1, 1])
  })

  it('keeps working across a transaction, a rollback and a schema change', async () => {
    const { db } = open()
    await sql`create table items (id integer primary key, name text not null)`.execute(db)
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('items')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    await db.transaction().execute((trx) => trx.insertInto('items').values({ id: 1, name: 'kept' }).execute())
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 2, name: 'rolled back' }).execute()
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await count()).toBe(1)
    await sql`alter table items add column note text`.execute(db)
    expect(await db.selectFrom('items').selectAll().execute()).toEqual([{ id: 1, name: 'kept', note: null }])
  })

  it('holds at most `max` statements, dropping the oldest', async () => {
    const { db, prepared } = open(2)
    const run = (n: number) => sql`select ${sql.lit(n)} as n`.execute(db)
    await run(1)
    await run(2)
    await run(1) // cached
    await run(3) // evicts 1
    await run(1) // prepared again
    expect(prepared).toEqual(['select 1 as n', 'select 2 as n', 'select 3 as n', 'select 1 as n'])
  })
})
