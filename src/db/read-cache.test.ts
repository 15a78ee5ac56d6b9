/** @see issue 12: the read cache behind sessions and grants, and what empties it (read-cache.ts). */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/dialects.js'
import { migrateToLatest } from './migrate.js'
import { cachedRead, cachedReadWith, READ_CACHE_TTL_MS } from './read-cache.js'

const NOW = '2026-12-06T10:00:00.000Z'

describe.each(DIALECTS)('read cache on %s', (dialect) => {
  let database: TestDatabase
  let loads = 0
  let n = 0
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    await migrateToLatest(database.db)
  })
  afterAll(() => database.close())

  /** Counts the emails, counting how often the database was actually asked. */
  const countEmails = (key = 'emails') =>
    cachedRead(database.db, key, async () => {
      loads++
      const row = await database.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      return Number(row.n)
    })
  const addCustomer = (db = database.db) =>
    db
      .insertInto('customers')
      .values({ id: `cu_cache${++n}`, email: `c${n}@example.com`, created_at: NOW })
      .execute()

  it('answers a repeated read from memory until a write through the handle', async () => {
    const first = await countEmails()
    const before = loads
    expect(await countEmails()).toBe(first)
    expect(loads).toBe(before)
    await addCustomer()
    expect(await countEmails()).toBe(first + 1)
    expect(loads).toBe(before + 1)
  })

  it('keeps answers under separate keys apart', async () => {
    const a = await cachedRead(database.db, 'session:a', async () => ({ who: 'ann' }))
    const b = await cachedRead(database.db, 'session:b', async () => ({ who: 'bob' }))
    expect(a).toEqual({ who: 'ann' })
    expect(b).toEqual({ who: 'bob' })
    expect(await cachedRead(database.db, 'session:a', async () => ({ who: 'wrong' }))).toEqual({ who: 'ann' })
    // Frozen: a request cannot change what the next one reads.
    expect(Object.isFrozen(a)).toBe(true)
  })

  it('keeps what one read answered for other keys, under the same rules as its own answer', async () => {
    const value = await cachedReadWith(database.db, 'with:main', async () => ({
      value: 'main',
      also: [
        ['with:extra', ['x']],
        ['with:none', undefined],
      ],
    }))
    expect(value).toBe('main')
    expect(await cachedRead(database.db, 'with:extra', async () => ['wrong'])).toEqual(['x'])
    expect(await cachedRead(database.db, 'with:none', async () => 'asked')).toBe('asked')
    // A hit answers without loading at all.
    expect(
      await cachedReadWith(database.db, 'with:main', async () => ({ value: 'wrong', also: [] })),
    ).toBe('main')
    // A write through the handle forgets the extra answer too.
    await addCustomer()
    expect(await cachedRead(database.db, 'with:extra', async () => ['fresh'])).toEqual(['fresh'])
    // Forgotten a second after the read began, like its own answer.
    await cachedReadWith(database.db, 'with:timed', async () => ({ value: 1, also: [['with:timed-extra', 1]] }))
    await new Promise((resolve) => setTimeout(resolve, READ_CACHE_TTL_MS + 20))
    expect(await cachedRead(database.db, 'with:timed-extra', async () => 2)).toBe(2)
  })

  it('keeps none of one read\'s answers when the read overlapped a write', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow = cachedReadWith(database.db, 'with:overlap', async () => {
      await gate
      return { value: 'old', also: [['with:overlap-extra', 'old']] }
    })
    await addCustomer()
    release()
    expect(await slow).toBe('old')
    expect(await cachedRead(database.db, 'with:overlap', async () => 'new')).toBe('new')
    expect(await cachedRead(database.db, 'with:overlap-extra', async () => 'new')).toBe('new')
  })

  it('forgets an answer a second after its read began', async () => {
    await countEmails()
    const before = loads
    await new Promise((resolve) => setTimeout(resolve, READ_CACHE_TTL_MS + 20))
    await countEmails()
    expect(loads).toBe(before + 1)
  })

  it('does not keep an answer whose read overlapped a write', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow = cachedRead(database.db, 'overlap', async () => {
      const value = await countEmails('overlap-inner')
      await gate // the write below happens while this read is under way
      return value
    })
    await addCustomer()
    release()
    const old = await slow
    let asked = false
    const next = await cachedRead(database.db, 'overlap', async () => {
      asked = true
      return old + 1
    })
    expect(asked).toBe(true)
    expect(next).toBe(old + 1)
  })

  it('a transaction that only reads keeps the cache; one that writes empties it, committed or not', async () => {
    await countEmails()
    let before = loads
    await database.db.transaction().execute(async (trx) => {
      await trx.selectFrom('customers').select('id').execute()
    })
    await countEmails()
    expect(loads).toBe(before)

    await database.db.transaction().execute((trx) => addCustomer(trx))
    await countEmails()
    expect(loads).toBe(before + 1)

    before = loads
    await expect(
      database.db.transaction().execute(async (trx) => {
        await addCustomer(trx)
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    await countEmails()
    expect(loads).toBe(before + 1)
  })

  it('counts raw SQL that is not a SELECT as a write', async () => {
    await countEmails()
    const before = loads
    await sql`select 1`.execute(database.db)
    await countEmails()
    expect(loads).toBe(before)
    await sql`update customers set password_hash = null where id = ${'cu_none'}`.execute(database.db)
    await countEmails()
    expect(loads).toBe(before + 1)
  })

  it('never caches inside a transaction, nor an undefined answer', async () => {
    await database.db.transaction().execute(async (trx) => {
      let asked = 0
      await cachedRead(trx, 'in-trx', async () => ++asked)
      await cachedRead(trx, 'in-trx', async () => ++asked)
      expect(asked).toBe(2)
    })
    let asked = 0
    await cachedRead(database.db, 'missing', async () => {
      asked++
      return undefined
    })
    await cachedRead(database.db, 'missing', async () => {
      asked++
      return undefined
    })
    expect(asked).toBe(2)
  })
})
