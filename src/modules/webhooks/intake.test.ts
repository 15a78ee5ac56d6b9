import fc from 'fast-check'
import { type InsertQueryNode, type KyselyPlugin, type RootOperationNode, ValuesNode } from 'kysely'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { capturingLogger, createTestDeps, type TestDeps, testConfig } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import type { Deps } from '../../deps.js'
import { createManualClock } from '../../lib/clock.js'
import type { EventHandlerMap } from './handlers.js'
import {
  LEASE_MS,
  MAX_ATTEMPTS,
  processInbox,
  processInboxNow,
  replayEvent,
  retryDelayMs,
} from './inbox-worker.js'
import { storeEvent } from './intake.js'
import { claimDueEvents, findEventByStripeId, listEvents, markEventHandled } from './repo.js'

const SECRET = 'whsec_intake_test_secret'
const sdk = new Stripe('sk_test_tollgate_local')

function eventPayload(id: string, type: string): string {
  return JSON.stringify(
    {
      id,
      object: 'event',
      type,
      created: 1_790_000_000,
      api_version: '2026-10-28.endive',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: { id: 'obj_1', object: 'coupon' } },
    },
    null,
    2,
  )
}

/** The app under test hands coupon events to the inbox (each test brings its own handlers to run). */
const WANTS_COUPONS: EventHandlerMap = { 'coupon.created': [async () => undefined] }

/** Calls `count` with the number of rows of each insert into the inbox. */
function watchInserts(count: (rows: number) => void): KyselyPlugin {
  return {
    transformQuery({ node }) {
      if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === 'stripe_events') {
        const values = (node as InsertQueryNode).values
        count(values && ValuesNode.is(values) ? values.values.length : 1)
      }
      return node
    },
    transformResult: async ({ result }) => result,
  }
}

/** Fails every insert into the inbox whose values name `stripeEventId`. */
function refuseInsertsOf(stripeEventId: string): KyselyPlugin {
  return {
    transformQuery({ node }): RootOperationNode {
      if (node.kind === 'InsertQueryNode' && JSON.stringify(node.values).includes(stripeEventId))
        throw new Error(`refused ${stripeEventId}`)
      return node
    },
    transformResult: async ({ result }) => result,
  }
}

describe.each(DIALECTS)('webhook intake and inbox on %s', (dialect) => {
  let t: TestDeps
  let deps: Deps
  let app: ReturnType<typeof createApp>
  const clock = createManualClock(new Date('2026-11-22T12:00:00.000Z'))

  beforeAll(async () => {
    t = await createTestDeps(dialect, { clock })
    deps = { ...t.deps, config: testConfig({ stripeWebhookSecret: SECRET }) }
    app = createApp(deps, { eventHandlers: WANTS_COUPONS })
  })
  afterAll(async () => {
    await t.close()
  })

  async function post(payload: string, signature: string): Promise<Response> {
    return app.request('http://localhost/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
    })
  }

  function sign(payload: string, secret = SECRET): string {
    return sdk.webhooks.generateTestHeaderString({ payload, secret })
  }

  it('answers 400 and stores nothing when the signature is bad', async () => {
    const payload = eventPayload('evt_badsig', 'checkout.session.completed')
    for (const signature of [sign(payload, 'whsec_someone_else'), '', 't=1,v1=deadbeef']) {
      const res = await post(payload, signature)
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('WEBHOOK_SIGNATURE_INVALID')
    }
    const tampered = await post(payload.replace('evt_badsig', 'evt_badsi2'), sign(payload))
    expect(tampered.status).toBe(400)
    expect(await findEventByStripeId(deps.db, 'evt_badsig')).toBeUndefined()
    expect(await listEvents(deps.db)).toHaveLength(0)
  })

  /** @see issue 9: a validly signed body that is not an event answered 500. */
  it('answers 400 and stores nothing for a signed body that is not an event', async () => {
    const event = JSON.parse(eventPayload('evt_shape', 'coupon.created')) as Record<string, unknown>
    const without = (key: string): string => JSON.stringify({ ...event, [key]: undefined })
    const bodies = [
      '{}',
      'null',
      '[]',
      '42',
      '"evt_x"',
      '{"id":"evt_x"}',
      without('type'),
      without('created'),
    ]
    bodies.push(without('id'), without('data'), JSON.stringify({ ...event, created: 'yesterday' }))
    for (const body of bodies) {
      const res = await post(body, sign(body))
      expect(res.status, body).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('WEBHOOK_PAYLOAD_INVALID')
    }
    expect(await listEvents(deps.db)).toHaveLength(0)
  })

  it('never answers 500 to any signed JSON, and stores only event-shaped bodies (property)', async () => {
    const envelope = fc.record(
      {
        id: fc.oneof(fc.string(), fc.stringMatching(/^evt_prop\w{1,20}$/)),
        type: fc.oneof(fc.string(), fc.constant('coupon.created')),
        created: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(1_790_000_000)),
        data: fc.oneof(fc.jsonValue(), fc.constant({ object: { id: 'c_1' } })),
      },
      { requiredKeys: [] },
    )
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), envelope), async (value) => {
        const body = JSON.stringify(value) ?? 'null'
        const res = await post(body, sign(body))
        expect([200, 400]).toContain(res.status)
      }),
      { numRuns: 40 },
    )
    for (const row of await listEvents(deps.db)) {
      expect(row.stripe_event_id).toMatch(/^evt_prop/)
      expect(typeof row.event_created).toBe('number')
    }
    await deps.db.deleteFrom('stripe_events').execute()
  })

  it('acknowledges an unknown type, stores a duplicate once, and stores it handled', async () => {
    const payload = eventPayload('evt_unknown', 'tax_rate.created')
    const responses = await Promise.all([1, 2, 3].map(() => post(payload, sign(payload))))
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200])
    expect((await listEvents(deps.db)).filter((e) => e.stripe_event_id === 'evt_unknown')).toHaveLength(1)
    // No handler wants it: nothing for the inbox to claim.
    const row = await findEventByStripeId(deps.db, 'evt_unknown')
    expect(row?.handled_at).not.toBeNull()
    expect(row?.attempts).toBe(0)
    expect(await processInboxNow(deps, {})).toBe(0)
  })

  it('logs an unhandled type at debug only, so a shop at the default level writes no line per event', async () => {
    const linesAt = async (level: 'info' | 'debug', id: string): Promise<string> => {
      const { log, written } = capturingLogger(level)
      const logged = createApp({ ...deps, log }, { eventHandlers: WANTS_COUPONS })
      const payload = eventPayload(id, 'tax_rate.updated')
      const res = await logged.request('http://localhost/webhooks/stripe', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload) },
        body: payload,
      })
      expect(res.status).toBe(200)
      return written()
    }
    expect(await linesAt('info', 'evt_quiet_info')).not.toContain('unhandled event type')
    expect(await linesAt('debug', 'evt_quiet_debug')).toContain('unhandled event type')
  })

  it('the inbox still stamps an unwanted event that reached it another way (recovery, a replay)', async () => {
    await storeEvent(deps.db, JSON.parse(eventPayload('evt_recovered', 'tax_rate.created')), {
      payload: eventPayload('evt_recovered', 'tax_rate.created'),
      source: 'recovery',
      now: clock.now(),
    })
    expect(await processInboxNow(deps, WANTS_COUPONS)).toBe(1)
    const row = await findEventByStripeId(deps.db, 'evt_recovered')
    expect(row?.handled_at).not.toBeNull()
    expect(row?.attempts).toBe(1)
  })

  /** @see issue 12: one transaction per delivery made the intake a fraction of a bare POST. */
  it('stores deliveries that arrive together in one statement, answering each once it is stored', async () => {
    const inserts: number[] = []
    const counting = { ...deps, db: deps.db.withPlugin(watchInserts((rows) => inserts.push(rows))) }
    const together = createApp(counting, { eventHandlers: WANTS_COUPONS })
    const ids = Array.from({ length: 12 }, (_, i) => `evt_group_${i}`)
    // Two of them twice, as Stripe may deliver one event twice at once.
    const deliveries = [...ids, ids[3] as string, ids[7] as string].map((id) => {
      const payload = eventPayload(id, 'coupon.created')
      return together.request('http://localhost/webhooks/stripe', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload) },
        body: payload,
      })
    })
    const answers = await Promise.all(
      deliveries.map(async (res) => ({ status: (await res).status, body: await (await res).json() })),
    )
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200))
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(12)
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(2)
    expect(inserts).toEqual([12])
    const stored = (await listEvents(deps.db)).filter((e) => e.stripe_event_id.startsWith('evt_group_'))
    expect(stored).toHaveLength(12)
    // Delivered again later: each is a duplicate, and nothing more is stored.
    const again = await post(
      eventPayload('evt_group_5', 'coupon.created'),
      sign(eventPayload('evt_group_5', 'coupon.created')),
    )
    expect(await again.json()).toEqual({ received: true, duplicate: true })
    await processInboxNow(deps, {})
  })

  it('answers 500 and acknowledges nothing when its events cannot be stored; one bad event fails alone', async () => {
    // The database refuses any insert that carries evt_poison (a batch with it, or it alone).
    const refusing = { ...deps, db: deps.db.withPlugin(refuseInsertsOf('evt_poison')) }
    const app2 = createApp(refusing, { eventHandlers: WANTS_COUPONS })
    const send = (id: string) => {
      const payload = eventPayload(id, 'coupon.created')
      return app2.request('http://localhost/webhooks/stripe', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload) },
        body: payload,
      })
    }
    const alone = await send('evt_poison')
    expect(alone.status).toBe(500)
    const together = await Promise.all(['evt_fine_1', 'evt_poison', 'evt_fine_2'].map(send))
    expect(together.map((r) => r.status)).toEqual([200, 500, 200])
    const stored = (await listEvents(deps.db)).map((e) => e.stripe_event_id)
    expect(stored).toEqual(expect.arrayContaining(['evt_fine_1', 'evt_fine_2']))
    expect(stored).not.toContain('evt_poison')
    await processInboxNow(deps, {})
  })

  it('records a failure, retries with back-off, and marks handled only once it succeeds', async () => {
    let calls = 0
    let applied = 0
    const handlers: EventHandlerMap = {
      'coupon.created': [
        async () => {
          calls++
          if (calls === 1) throw new Error('Stripe hiccup')
          return async () => {
            applied++
          }
        },
      ],
    }
    const payload = eventPayload('evt_retry', 'coupon.created')
    expect((await post(payload, sign(payload))).status).toBe(200)
    await processInboxNow(deps, handlers)
    let row = await findEventByStripeId(deps.db, 'evt_retry')
    expect(row).toMatchObject({ handled_at: null, attempts: 1, last_error: 'Stripe hiccup' })
    await processInboxNow(deps, handlers)
    expect(calls).toBe(1) // not due yet
    clock.advance(retryDelayMs(1) + 1)
    await processInboxNow(deps, handlers)
    row = await findEventByStripeId(deps.db, 'evt_retry')
    expect(row?.handled_at).not.toBeNull()
    expect(row?.attempts).toBe(2)
    expect(applied).toBe(1)
    await Promise.all([processInboxNow(deps, handlers), processInboxNow(deps, handlers)])
    expect(applied).toBe(1)
    expect(await replayEvent(deps, handlers, 'evt_retry')).toBe(true)
    expect(applied).toBe(2)
    expect(await replayEvent(deps, handlers, 'evt_never_seen')).toBe(false)
  })

  /** @see issue 9: a worker killed mid-event held its lease for two minutes. */
  it("takes up a killed worker's event once its short lease lapses", async () => {
    const payload = eventPayload('evt_orphan', 'coupon.created')
    expect((await post(payload, sign(payload))).status).toBe(200)
    // A worker claims the event and dies before handling it (nothing renews its lease).
    const input = { nowIso: clock.now().toISOString(), maxAttempts: MAX_ATTEMPTS, limit: 20 }
    const leaseUntilIso = new Date(clock.now().getTime() + LEASE_MS).toISOString()
    await deps.db.transaction().execute((trx) => claimDueEvents(trx, { ...input, leaseUntilIso }))
    expect(await processInboxNow(deps, {})).toBe(0)
    clock.advance(LEASE_MS + 1)
    expect(await processInboxNow(deps, {})).toBe(1)
    expect((await findEventByStripeId(deps.db, 'evt_orphan'))?.handled_at).not.toBeNull()
    expect(LEASE_MS).toBeLessThanOrEqual(20_000)
  })

  it('renews the lease while a slow handler runs, so no other worker takes the event', async () => {
    const payload = eventPayload('evt_slow', 'coupon.created')
    expect((await post(payload, sign(payload))).status).toBe(200)
    let entered: () => void = () => {}
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve
    })
    let finish: () => void = () => {}
    const finished = new Promise<void>((resolve) => {
      finish = resolve
    })
    let calls = 0
    const slow: EventHandlerMap = {
      'coupon.created': [
        async () => {
          calls++
          entered()
          await finished
          return undefined
        },
      ],
    }
    const running = processInbox(deps, slow, { renewEveryMs: 10 })
    await inHandler
    const leaseOf = async () => (await findEventByStripeId(deps.db, 'evt_slow'))?.next_attempt_at ?? ''
    for (let i = 0; i < 3; i++) {
      const before = await leaseOf()
      clock.advance(LEASE_MS - 1000)
      // Wait for a renewal to push the lease past the new now, then check a rival finds nothing.
      while ((await leaseOf()) === before) await new Promise((r) => setTimeout(r, 5))
      expect(await processInbox(deps, slow)).toBe(0)
    }
    finish()
    expect(await running).toBe(1)
    expect(calls).toBe(1)
    expect((await findEventByStripeId(deps.db, 'evt_slow'))?.handled_at).not.toBeNull()
  })

  it.skipIf(dialect === 'sqlite')(
    'two workers claiming at once take different events, neither waits',
    async () => {
      for (const n of [1, 2, 3, 4]) {
        const payload = eventPayload(`evt_claim_${n}`, 'coupon.created')
        expect((await post(payload, sign(payload))).status).toBe(200)
      }
      const input = () => ({
        nowIso: clock.now().toISOString(),
        leaseUntilIso: new Date(clock.now().getTime() + 60_000).toISOString(),
        maxAttempts: 12,
        limit: 2,
      })
      let claimedFirst: (ids: string[]) => void = () => {}
      const first = new Promise<string[]>((resolve) => {
        claimedFirst = resolve
      })
      let finishFirst: () => void = () => {}
      const firstHolds = new Promise<void>((resolve) => {
        finishFirst = resolve
      })
      // The first claim's transaction stays open (its row locks held) while the second claims.
      const holder = deps.db.transaction().execute(async (trx) => {
        claimedFirst((await claimDueEvents(trx, input())).leased.map((e) => e.stripe_event_id))
        await firstHolds
      })
      const firstIds = await first
      const second = (await deps.db.transaction().execute((trx) => claimDueEvents(trx, input()))).leased
      finishFirst()
      await holder
      const secondIds = second.map((e) => e.stripe_event_id)
      expect(firstIds).toHaveLength(2)
      expect(secondIds).toHaveLength(2)
      expect([...firstIds, ...secondIds].sort()).toEqual([
        'evt_claim_1',
        'evt_claim_2',
        'evt_claim_3',
        'evt_claim_4',
      ])
      for (const event of await listEvents(deps.db))
        await markEventHandled(deps.db, event.id, clock.now().toISOString())
    },
  )
})
