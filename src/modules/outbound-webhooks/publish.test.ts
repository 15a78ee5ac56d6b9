/**
 * publishEvent reads the enabled endpoints once per transaction (a purchase publishes one event per
 * grant and one for the order), and never misses an endpoint the transaction added itself nor one
 * added before a later transaction began.
 */
import type { KyselyPlugin, RootOperationNode } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/dialects.js'
import type { Executor } from '../../db/database.js'
import { migrateToLatest } from '../../db/migrate.js'
import { addWebhookEndpoint, listWebhookEndpoints, publishEvent } from './index.js'

const NOW = new Date('2026-12-06T10:00:00.000Z')

/** Counts the statements that read the endpoint table. */
function endpointReads(): KyselyPlugin & { count: number } {
  const plugin = {
    count: 0,
    transformQuery({ node }: { node: RootOperationNode }) {
      if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"webhook_endpoints"'))
        plugin.count++
      return node
    },
    transformResult: async <T>({ result }: { result: T }) => result,
  }
  return plugin
}

describe.each(DIALECTS)('publishEvent on %s', (dialect) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    await migrateToLatest(database.db)
  })
  afterAll(() => database.close())

  const publish = (db: Executor) => publishEvent(db, { type: 'order.paid', data: { n: 1 }, now: NOW })

  it('reads the endpoints once per transaction, and again after the transaction adds one', async () => {
    await addWebhookEndpoint(database.db, { url: 'http://127.0.0.1:9/a', events: '*', now: NOW })
    const reads = endpointReads()
    const sent = await database.db.transaction().execute(async (trx) => {
      const counted = trx.withPlugin(reads)
      const first = await publish(counted)
      const second = await publish(counted)
      await addWebhookEndpoint(counted, { url: 'http://127.0.0.1:9/b', events: ['order.paid'], now: NOW })
      const third = await publish(counted)
      return [first, second, third]
    })
    expect(sent).toEqual([1, 1, 2])
    expect(reads.count).toBe(2)
  })

  it('a later transaction, and every call outside one, reads the endpoints anew', async () => {
    await addWebhookEndpoint(database.db, { url: 'http://127.0.0.1:9/c', events: '*', now: NOW })
    const reads = endpointReads()
    const counted = database.db.withPlugin(reads)
    expect(await publish(counted)).toBe(3)
    expect(await publish(counted)).toBe(3)
    expect(reads.count).toBe(2)
    expect(await database.db.transaction().execute((trx) => publish(trx))).toBe(3)
  })

  it('stores an event type named twice once', async () => {
    const events = ['order.refunded', 'order.refunded'] as const
    const { id } = await addWebhookEndpoint(database.db, {
      url: 'http://127.0.0.1:9/d',
      events: [...events],
      now: NOW,
    })
    expect((await listWebhookEndpoints(database.db)).find((e) => e.id === id)?.events).toBe('order.refunded')
  })
})
