import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps, testConfig } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { listenOnPostgres } from '../../db/listen.js'
import { migrateToLatest } from '../../db/migrate.js'
import type { Deps } from '../../deps.js'
import { startWorkers } from '../../workers.js'
import type { EventHandlerMap } from './handlers.js'
import {
  INBOX_CHANNEL,
  notifyOtherInstances,
  OTHER_INSTANCES,
  onInboxEvent,
  onInboxNotification,
} from './inbox-signal.js'
import { acceptEvent } from './intake.js'
import { processInbox } from './inbox-worker.js'
import { notifyChannel } from './repo.js'

const SECRET = 'whsec_inbox_signal_test'
const sdk = new Stripe('sk_test_tollgate_local')

describe.each(DIALECTS)('the inbox worker wakes when an event is stored, on %s', (dialect) => {
  let t: TestDeps
  let deps: Deps

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    deps = { ...t.deps, config: testConfig({ stripeWebhookSecret: SECRET }) }
  })
  afterAll(() => t.close())

  it('handles a webhook at once although its poll is an hour away', async () => {
    const handled: string[] = []
    const handlers = {
      'coupon.created': [
        async (_deps: Deps, event: Stripe.Event) => {
          handled.push(event.id)
          return undefined
        },
      ],
    } as unknown as EventHandlerMap
    // One run at start finds nothing; after that only the signal can wake the worker in time.
    const workers = startWorkers(deps, [
      {
        name: 'stripe-inbox',
        intervalMs: 3_600_000,
        wakeOn: onInboxEvent,
        runOnce: (d) => processInbox(d, handlers),
      },
    ])
    try {
      await new Promise((resolve) => setTimeout(resolve, 50))
      const payload = JSON.stringify({
        id: `evt_signal_${dialect}`,
        object: 'event',
        type: 'coupon.created',
        created: 1_790_000_000,
        data: { object: { id: 'co_1', object: 'coupon' } },
      })
      const res = await createApp(deps, { eventHandlers: handlers }).request(
        'http://localhost/webhooks/stripe',
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'stripe-signature': sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
          },
          body: payload,
        },
      )
      expect(res.status).toBe(200)
      await expect.poll(() => handled, { timeout: 4000 }).toEqual([`evt_signal_${dialect}`])
    } finally {
      await workers.stop()
    }
  })
})

describe.runIf(DIALECTS.includes('postgres'))('NOTIFY reaches the inbox listener of another instance', () => {
  it('rings the inbox for another instance’s notification, not for this process’s own', async () => {
    const database = await createTestDatabase('postgres')
    const heard: string[] = []
    let rings = 0
    const stopCounting = onInboxEvent(() => rings++)
    const listener = listenOnPostgres(
      database.databaseUrl,
      INBOX_CHANNEL,
      (payload) => {
        heard.push(payload)
        onInboxNotification(payload)
      },
      () => {},
    )
    try {
      // The listener connects in the background: notify until it has heard both kinds.
      await expect
        .poll(
          async () => {
            await notifyOtherInstances(database.db)
            await notifyChannel(database.db, INBOX_CHANNEL, 'another-instance')
            return heard.includes('another-instance') && heard.some((p) => p !== 'another-instance')
          },
          { timeout: 5000 },
        )
        .toBe(true)
      const own = heard.filter((p) => p !== 'another-instance')
      expect(own.length).toBeGreaterThan(0)
      expect(rings).toBe(heard.length - own.length)
    } finally {
      stopCounting()
      await listener.close()
      await database.close()
    }
  })
})

describe.runIf(DIALECTS.includes('postgres'))('the intake’s NOTIFY on PostgreSQL', () => {
  const event = (id: string) =>
    ({
      id,
      object: 'event',
      type: 'coupon.created',
      created: 1_790_000_000,
      data: { object: { id: 'co_1', object: 'coupon' } },
    }) as unknown as Stripe.Event

  it('comes from the statement that stores the events: once per batch, never for a duplicate or an event stored handled', async () => {
    const database = await createTestDatabase('postgres')
    await migrateToLatest(database.db)
    const heard: string[] = []
    const listener = listenOnPostgres(
      database.databaseUrl,
      INBOX_CHANNEL,
      (payload) => heard.push(payload),
      () => {},
    )
    // NOTIFYs arrive in commit order: once a marker sent after some work is heard, so is all of
    // that work's.
    let markers = 0
    const settled = async (): Promise<string[]> => {
      const marker = `marker-${++markers}`
      await expect
        .poll(
          async () => {
            await notifyChannel(database.db, INBOX_CHANNEL, marker)
            return heard.includes(marker)
          },
          { timeout: 5000 },
        )
        .toBe(true)
      return heard.filter((p) => p === OTHER_INSTANCES.payload)
    }
    const accept = (id: string, handled = false) =>
      acceptEvent(database.db, event(id), { payload: JSON.stringify(event(id)), now: new Date(), handled })
    try {
      expect(await settled()).toHaveLength(0)
      expect(await accept('evt_notify_1')).toBe(true)
      expect(await settled()).toHaveLength(1)

      expect(await accept('evt_notify_1')).toBe(false)
      expect(await accept('evt_notify_handled', true)).toBe(true)
      expect(await settled()).toHaveLength(1)

      // Delivered together: one statement, one NOTIFY (PostgreSQL folds a transaction's repeats).
      expect(
        await Promise.all([accept('evt_notify_2'), accept('evt_notify_3'), accept('evt_notify_1')]),
      ).toEqual([true, true, false])
      expect(await settled()).toHaveLength(2)
      const stored = await database.db.selectFrom('stripe_events').select('stripe_event_id').execute()
      expect(stored.map((r) => r.stripe_event_id).sort()).toEqual([
        'evt_notify_1',
        'evt_notify_2',
        'evt_notify_3',
        'evt_notify_handled',
      ])
    } finally {
      await listener.close()
      await database.close()
    }
  })
})
