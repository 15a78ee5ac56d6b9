/** @see issue 12: the read cache behind sessions and grants, and what empties it (read-cache.ts). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/dialects.js'
import { connectDatabase } from './connect.js'
import { migrateToLatest } from './migrate.js'
import {
  CHANGE_PROBE_MS,
  PROBE_IDLE_MS,
  type ChangeProbe,
  cachedRead,
  cachedReadWith,
  cachedValue,
  READ_CACHE_TTL_MS,
  trackChanges,
} from './read-cache.js'

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
    expect(await cachedReadWith(database.db, 'with:main', async () => ({ value: 'wrong', also: [] }))).toBe(
      'main',
    )
    // A write through the handle forgets the extra answer too.
    await addCustomer()
    expect(await cachedRead(database.db, 'with:extra', async () => ['fresh'])).toEqual(['fresh'])
    // Forgotten a second after the read began, like its own answer.
    await cachedReadWith(database.db, 'with:timed', async () => ({
      value: 1,
      also: [['with:timed-extra', 1]],
    }))
    await new Promise((resolve) => setTimeout(resolve, READ_CACHE_TTL_MS + 20))
    expect(await cachedRead(database.db, 'with:timed-extra', async () => 2)).toBe(2)
  })

  it("keeps none of one read's answers when the read overlapped a write", async () => {
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

  it('forgets an answer within a second of a commit by another connection', async () => {
    const first = await countEmails()
    const before = loads
    // Another instance's connection (SQLite in memory has none: its answers live their second).
    if (dialect !== 'sqlite') {
      const other = connectDatabase(database.databaseUrl, database.schema ? { schema: database.schema } : {})
      await addCustomer(other)
      await other.destroy()
    }
    await new Promise((resolve) => setTimeout(resolve, READ_CACHE_TTL_MS + 20))
    expect(await countEmails()).toBe(dialect === 'sqlite' ? first : first + 1)
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
    await addCustomer()
    await countEmails()
    const before = loads
    await sql`select 1`.execute(database.db)
    await countEmails()
    expect(loads).toBe(before)
    await sql`update customers set password_hash = null where id = ${`cu_cache${n}`}`.execute(database.db)
    await countEmails()
    expect(loads).toBe(before + 1)
  })

  it('keeps the cache through a write that changed no row (a lease that found nothing due)', async () => {
    await addCustomer()
    await countEmails()
    const before = loads
    await sql`update customers set password_hash = null where id = ${'cu_none'}`.execute(database.db)
    await database.db.deleteFrom('customers').where('id', '=', 'cu_none').execute()
    await database.db
      .transaction()
      .execute((trx) =>
        trx.updateTable('customers').set({ password_hash: null }).where('id', '=', 'cu_none').execute(),
      )
    await countEmails()
    expect(loads).toBe(before)
    // The same statements that do change a row empty it.
    await database.db
      .transaction()
      .execute((trx) =>
        trx.updateTable('customers').set({ password_hash: null }).where('id', '=', `cu_cache${n}`).execute(),
      )
    await countEmails()
    expect(loads).toBe(before + 1)
  })

  it('cachedValue gives at once what cachedRead would take from memory, and nothing else', async () => {
    expect(cachedValue(database.db, 'peek')).toBeUndefined()
    const kept = await cachedRead(database.db, 'peek', async () => ({ who: 'ann' }))
    expect(cachedValue(database.db, 'peek')).toBe(kept)
    expect(cachedValue(database.db, 'peek:other')).toBeUndefined()
    await database.db.transaction().execute(async (trx) => {
      expect(cachedValue(trx, 'peek')).toBeUndefined()
    })
    await addCustomer()
    expect(cachedValue(database.db, 'peek')).toBeUndefined()
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Past an entry's own second, with time for the probe to have answered since. */
const pastOwnSecond = () => sleep(READ_CACHE_TTL_MS + 3 * CHANGE_PROBE_MS)

describe('read cache with a change probe', () => {
  /** A handle whose probe answers what the test says (or fails), counting how often it is asked. */
  function probed() {
    const state = { answer: 1 as number | Error, asked: 0 }
    const probe: ChangeProbe = async () => {
      state.asked++
      if (state.answer instanceof Error) throw state.answer
      return state.answer
    }
    const tracked = trackChanges(new SqliteDialect({ database: new SQLite(':memory:') }))
    const db = new Kysely<unknown>({ dialect: tracked.dialect })
    tracked.attach(db, probe)
    let loads = 0
    const read = (key = 'k') =>
      cachedRead(db, key, async () => {
        loads++
        return { loads }
      })
    return { state, db, read, loads: () => loads }
  }

  it('keeps an answer past its second while the probe answers that nothing changed', async () => {
    const { state, db, read, loads } = probed()
    // The probe's first answer cannot vouch for what was read before it: read again after it.
    await read()
    await pastOwnSecond()
    expect(await read()).toEqual({ loads: 2 })
    await pastOwnSecond()
    expect(await read()).toEqual({ loads: 2 })
    expect(loads()).toBe(2)
    expect(state.asked).toBeGreaterThanOrEqual(6)
    await db.destroy()
  })

  it('cachedValue follows the same rules past the second: vouched for, then forgotten on a change', async () => {
    const { state, db, read } = probed()
    await read()
    await pastOwnSecond()
    const vouched = await read()
    await pastOwnSecond()
    expect(cachedValue(db, 'k')).toBe(vouched)
    state.answer = 2
    await sleep(2 * CHANGE_PROBE_MS)
    expect(cachedValue(db, 'k')).toBeUndefined()
    await db.destroy()
  })

  it('forgets every answer past its second once the probe reports a change', async () => {
    const { state, db, read } = probed()
    await read('a')
    await pastOwnSecond()
    expect(await read('a')).toEqual({ loads: 2 })
    await pastOwnSecond()
    expect(await read('a')).toEqual({ loads: 2 })
    state.answer = 2
    await sleep(2 * CHANGE_PROBE_MS)
    // Past its second, nothing read before the change is used…
    expect(await read('a')).toEqual({ loads: 3 })
    // …and what is read after it is vouched for again while the answers stay the same.
    await pastOwnSecond()
    expect(await read('a')).toEqual({ loads: 3 })
    await db.destroy()
  })

  it('falls back to the second of each read while the probe fails', async () => {
    const { state, db, read } = probed()
    await read()
    await pastOwnSecond()
    expect(await read()).toEqual({ loads: 2 })
    state.answer = new Error('database away')
    await pastOwnSecond()
    expect(await read()).toEqual({ loads: 3 })
    // Answering again, with the same value as before: still a change, it vouches for nothing older.
    state.answer = 1
    await sleep(2 * CHANGE_PROBE_MS)
    await pastOwnSecond()
    expect(await read()).toEqual({ loads: 4 })
    await db.destroy()
  })

  /**
   * Reads 'a' and 'b' until the probe vouches for both (past their own second, not loaded again),
   * then leaves the cache unused until the probe pauses. Returns what 'b' holds.
   */
  async function vouchedThenPaused(handle: ReturnType<typeof probed>) {
    await handle.read('a')
    await handle.read('b')
    await pastOwnSecond()
    await handle.read('a')
    const b = await handle.read('b')
    await pastOwnSecond()
    expect(await handle.read('b')).toEqual(b)
    // Paused, and its last answer more than a second old: nothing past its second is used now.
    await sleep(PROBE_IDLE_MS + 2 * CHANGE_PROBE_MS)
    const asked = handle.state.asked
    await sleep(READ_CACHE_TTL_MS)
    expect(handle.state.asked).toBe(asked)
    return b
  }

  it('keeps what it vouched for through a pause when the first answer after it is unchanged', async () => {
    const handle = probed()
    const b = await vouchedThenPaused(handle)
    const loads = handle.loads()
    // The first read after the pause starts the probe again and, unconfirmed until it answers, loads.
    await handle.read('a')
    expect(handle.loads()).toBe(loads + 1)
    await sleep(2 * CHANGE_PROBE_MS)
    // The same answer as before the pause: nothing was committed meanwhile, 'b' is still good.
    expect(await handle.read('b')).toEqual(b)
    expect(handle.loads()).toBe(loads + 1)
    await handle.db.destroy()
  }, 20_000)

  it('forgets what it vouched for when the first answer after a pause differs', async () => {
    const handle = probed()
    await vouchedThenPaused(handle)
    const loads = handle.loads()
    handle.state.answer = 2 // something was committed during the pause
    await handle.read('a')
    await sleep(2 * CHANGE_PROBE_MS)
    expect(await handle.read('b')).toEqual({ loads: loads + 2 })
    await handle.db.destroy()
  }, 20_000)

  it('stops asking once the handle is destroyed', async () => {
    const { state, db, read } = probed()
    await read()
    await db.executeQuery(sql`select 1`.compile(db)) // the driver exists, so destroy reaches it
    await db.destroy()
    await sleep(2 * CHANGE_PROBE_MS)
    const asked = state.asked
    await sleep(3 * CHANGE_PROBE_MS)
    expect(state.asked).toBe(asked)
  })
})

describe('the change probe of a SQLite file', () => {
  it("keeps a quiet database's answers past their second, and sees another connection's commit", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-probe-'))
    const first = connectDatabase(join(dir, 'probe.db'))
    const second = connectDatabase(join(dir, 'probe.db'))
    try {
      await migrateToLatest(first)
      let loads = 0
      const count = () =>
        cachedRead(first, 'emails', async () => {
          loads++
          const row = await first
            .selectFrom('customers')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
          return Number(row.n)
        })
      await count()
      await pastOwnSecond()
      expect(await count()).toBe(0)
      await pastOwnSecond()
      expect(await count()).toBe(0)
      expect(loads).toBe(2)
      await second
        .insertInto('customers')
        .values({ id: 'cu_probe', email: 'probe@example.com', created_at: NOW })
        .execute()
      await sleep(READ_CACHE_TTL_MS)
      expect(await count()).toBe(1)
      expect(loads).toBe(3)
    } finally {
      await second.destroy()
      await first.destroy()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
