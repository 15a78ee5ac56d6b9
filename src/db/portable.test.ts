import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/dialects.js'
import type { Executor } from './database.js'
import { listenOnPostgres } from './listen.js'
import { migrateToLatest } from './migrate.js'
import {
  dialectOfExecutor,
  insertAllIfAbsent,
  insertIfAbsent,
  lockSkippingLocked,
  upsert,
  upsertCounter,
} from './portable.js'

const AT = '2026-12-03T10:00:00.000Z'
const COLUMNS = { conflict: 'stripe_event_id', key: 'id' } as const

function customer(id: string, email: string, stripeCustomerId: string | null = null) {
  return { id, email, stripe_customer_id: stripeCustomerId, password_hash: null, created_at: AT }
}

function event(id: string, created: number) {
  return {
    id,
    stripe_event_id: `evt_${id}`,
    type: 'coupon.created',
    payload: '{}',
    event_created: created,
    source: 'webhook' as const,
    received_at: AT,
    handled_at: null,
    attempts: 0,
    last_error: null,
    next_attempt_at: AT,
  }
}

describe.each(DIALECTS)('portable writes on %s', (dialect) => {
  let database: TestDatabase
  let db: Executor

  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    db = database.db
    await migrateToLatest(db)
  })
  afterAll(async () => {
    await database.close()
  })

  it('knows its dialect', () => {
    expect(dialectOfExecutor(db)).toBe(dialect)
  })

  it('insertIfAbsent tells exactly one of concurrent transactions that it inserted', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db
          .transaction()
          .execute((trx) =>
            insertIfAbsent(
              trx,
              trx.insertInto('customers').values(customer(`cus_race_${i}`, 'race@x.io')),
              'email',
            ),
          ),
      ),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    const rows = await db.selectFrom('customers').select('id').where('email', '=', 'race@x.io').execute()
    expect(rows).toHaveLength(1)
  })

  it('insertAllIfAbsent names the rows it inserted; overlapping concurrent calls each insert a row once', async () => {
    await db.insertInto('stripe_events').values(event('all_0', 1)).execute()
    const batch = (ids: number[]) => ids.map((n) => event(`all_${n}_${ids.join('')}`, n))
    // The same Stripe ids under different primary keys: only the unique stripe_event_id collides.
    const rows = (ids: number[]) =>
      batch(ids).map((row, i) => ({ ...row, stripe_event_id: `evt_all_${ids[i]}` }))
    const first = await db
      .transaction()
      .execute((trx) => insertAllIfAbsent(trx, 'stripe_events', rows([0, 1, 2]), COLUMNS))
    expect([...first].sort()).toEqual(['evt_all_1', 'evt_all_2'])
    const overlapping = [
      [3, 4, 5, 6],
      [6, 5, 4, 3],
      [4, 7, 3],
      [7, 8, 2],
    ]
    const results = await Promise.all(
      overlapping.map((ids) =>
        db.transaction().execute((trx) => insertAllIfAbsent(trx, 'stripe_events', rows(ids), COLUMNS)),
      ),
    )
    const inserted = results.flatMap((set) => [...set]).sort()
    expect(inserted).toEqual(['evt_all_3', 'evt_all_4', 'evt_all_5', 'evt_all_6', 'evt_all_7', 'evt_all_8'])
    const stored = await db
      .selectFrom('stripe_events')
      .select('stripe_event_id')
      .where('stripe_event_id', 'like', 'evt_all_%')
      .execute()
    expect(stored).toHaveLength(9)
    expect(await insertAllIfAbsent(db, 'stripe_events', [], COLUMNS)).toEqual(new Set())
    await db.deleteFrom('stripe_events').execute()
  })

  it('insertAllIfAbsent with `notify` sends it from its own statement on PostgreSQL, only when a row went in', async () => {
    const channel = `portable_notify_${dialect}`
    const heard: string[] = []
    const listener =
      dialect === 'postgres'
        ? listenOnPostgres(
            database.databaseUrl,
            channel,
            (p) => heard.push(p),
            () => {},
          )
        : undefined
    // NOTIFYs arrive in commit order: once this marker is heard, so is everything sent before it.
    const settled = async (marker: string): Promise<string[]> => {
      if (!listener) return []
      await expect
        .poll(async () => {
          await sql`select pg_notify(${channel}, ${marker})`.execute(db)
          return heard.includes(marker)
        })
        .toBe(true)
      return heard.filter((p) => !p.startsWith('marker'))
    }
    const uniform = [event('notify_1', 1), event('notify_2', 2)]
    // A row that leaves a column to its default is built apart from the compiled statements.
    const { last_error: _, ...partial } = event('notify_3', 3)
    // A second try comes with new ids (the key MySQL tells its own rows by), as a caller's would.
    const again = <R extends { id: string }>(rows: R[]) => rows.map((r) => ({ ...r, id: `${r.id}_again` }))
    try {
      await settled('marker-0')
      const notify = (payload: string) => ({ channel, payload })
      expect(await insertAllIfAbsent(db, 'stripe_events', uniform, COLUMNS, notify('uniform'))).toEqual(
        new Set(['evt_notify_1', 'evt_notify_2']),
      )
      expect(await insertAllIfAbsent(db, 'stripe_events', again(uniform), COLUMNS, notify('again'))).toEqual(
        new Set(),
      )
      expect(await insertAllIfAbsent(db, 'stripe_events', [partial], COLUMNS, notify('partial'))).toEqual(
        new Set(['evt_notify_3']),
      )
      expect(
        await insertAllIfAbsent(db, 'stripe_events', again([partial]), COLUMNS, notify('partial again')),
      ).toEqual(new Set())
      expect(await settled('marker-1')).toEqual(dialect === 'postgres' ? ['uniform', 'partial'] : [])
    } finally {
      await listener?.close()
      await db.deleteFrom('stripe_events').execute()
    }
  })

  it('insertAllIfAbsent binds each call its own values into the statement it compiled for that many rows', async () => {
    const row = (n: number) => ({
      ...event(`bind_${n}`, 1_790_000_000 + n),
      type: `coupon.type_${n}`,
      payload: `{"n":${n}}`,
      handled_at: n % 2 === 0 ? AT : null,
      attempts: n,
      last_error: n % 3 === 0 ? `error ${n}` : null,
    })
    for (const ids of [[1, 2], [3, 4], [5], [6, 7]]) {
      const given = ids.map(row)
      expect(await insertAllIfAbsent(db, 'stripe_events', given, COLUMNS)).toEqual(
        new Set(given.map((r) => r.stripe_event_id)),
      )
    }
    const stored = await db
      .selectFrom('stripe_events')
      .selectAll()
      .where('stripe_event_id', 'like', 'evt_bind_%')
      .orderBy('event_created')
      .execute()
    expect(stored).toEqual([1, 2, 3, 4, 5, 6, 7].map(row))
    await db.deleteFrom('stripe_events').execute()
  })

  it('insertIfAbsent on a primary key, and the transaction goes on after a conflict', async () => {
    const dispute = {
      stripe_dispute_id: 'dp_1',
      order_id: 'ord_missing',
      status: 'needs_response',
      reason: 'fraudulent',
      amount: 100,
      currency: 'usd',
      evidence_due_by: null,
      created_at: AT,
      updated_at: AT,
    }
    // order_disputes.order_id references orders: make the order first.
    await db.insertInto('customers').values(customer('cus_dispute', 'dispute@x.io')).execute()
    await db
      .insertInto('orders')
      .values({
        id: 'ord_missing',
        customer_id: 'cus_dispute',
        stripe_checkout_session_id: 'cs_dispute',
        stripe_payment_intent_id: null,
        product_id: 'p',
        price_lookup_key: 'k',
        quantity: 1,
        amount: 100,
        amount_refunded: 0,
        currency: 'usd',
        status: 'paid',
        sealed_access_token: null,
        revealed_at: null,
        created_at: AT,
        refunded_at: null,
      })
      .execute()
    const outcome = await db.transaction().execute(async (trx) => {
      const first = await insertIfAbsent(
        trx,
        trx.insertInto('order_disputes').values(dispute),
        'stripe_dispute_id',
      )
      const second = await insertIfAbsent(
        trx,
        trx.insertInto('order_disputes').values(dispute),
        'stripe_dispute_id',
      )
      await trx
        .updateTable('order_disputes')
        .set({ status: 'won' })
        .where('stripe_dispute_id', '=', 'dp_1')
        .execute()
      return [first, second]
    })
    expect(outcome).toEqual([true, false])
    const row = await db.selectFrom('order_disputes').select('status').executeTakeFirstOrThrow()
    expect(row.status).toBe('won')
  })

  it('insertIfAbsent still fails when another unique column collides', async () => {
    await db
      .insertInto('customers')
      .values(customer('cus_one', 'one@x.io', 'cus_stripe_1'))
      .execute()
    const clash = db.insertInto('customers').values(customer('cus_two', 'two@x.io', 'cus_stripe_1'))
    await expect(insertIfAbsent(db, clash, 'email')).rejects.toThrow()
  })

  it('compares text exactly: case, trailing spaces and accents all count', async () => {
    const emails = ['exact@x.io', 'Exact@x.io', 'exact@x.io ', 'exäct@x.io']
    for (const [i, email] of emails.entries()) {
      expect(
        await insertIfAbsent(
          db,
          db.insertInto('customers').values(customer(`cus_exact_${i}`, email)),
          'email',
        ),
      ).toBe(true)
    }
    for (const email of emails) {
      const found = await db.selectFrom('customers').select('email').where('email', '=', email).execute()
      expect(found).toEqual([{ email }])
    }
  })

  it('upsert inserts, then updates the existing row in place', async () => {
    const price = {
      lookup_key: 'basic',
      product_id: 'prod_1',
      stripe_product_id: 'prod_s1',
      stripe_price_id: 'price_1',
      currency: 'usd',
      unit_amount: 500,
      synced_at: AT,
    }
    await upsert(db, db.insertInto('catalog_prices').values(price), 'lookup_key', { unit_amount: 500 })
    await upsert(db, db.insertInto('catalog_prices').values({ ...price, unit_amount: 900 }), 'lookup_key', {
      unit_amount: 900,
      stripe_price_id: 'price_2',
    })
    const rows = await db.selectFrom('catalog_prices').select(['unit_amount', 'stripe_price_id']).execute()
    expect(rows).toEqual([{ unit_amount: 900, stripe_price_id: 'price_2' }])
  })

  it('upsertCounter returns the value its own statement wrote, under concurrency', async () => {
    const hit = (): Promise<number> =>
      upsertCounter(
        db,
        db.insertInto('rate_limits').values({ key: 'counter', window_start: AT, count: 1 }),
        'key',
        { column: 'count', next: sql<number>`rate_limits.count + 1`, inserted: 1 },
      )
    const counts = await Promise.all(Array.from({ length: 12 }, hit))
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
  })

  it.skipIf(dialect === 'sqlite')(
    'lockSkippingLocked lets a second claimer take other rows at once',
    async () => {
      await db
        .insertInto('stripe_events')
        .values([event('e1', 1), event('e2', 2), event('e3', 3), event('e4', 4)])
        .execute()
      const claim = (trx: Executor) =>
        lockSkippingLocked(trx, trx.selectFrom('stripe_events').select('id').orderBy('id').limit(2)).execute()
      let release: () => void = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let first: string[] = []
      let firstLocked: () => void = () => {}
      const locked = new Promise<void>((resolve) => {
        firstLocked = resolve
      })
      const holder = db.transaction().execute(async (trx) => {
        first = (await claim(trx)).map((r) => r.id)
        firstLocked()
        await held
      })
      await locked
      const second = (await db.transaction().execute(claim)).map((r) => r.id)
      release()
      await holder
      expect(first).toEqual(['e1', 'e2'])
      expect(second).toEqual(['e3', 'e4'])
    },
  )
})
