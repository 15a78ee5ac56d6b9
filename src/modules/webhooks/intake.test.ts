import fc from 'fast-check'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps, testConfig } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import type { Deps } from '../../deps.js'
import { createManualClock } from '../../lib/clock.js'
import type { EventHandlerMap } from './handlers.js'
import { processInboxNow, replayEvent, retryDelayMs } from './inbox-worker.js'
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

describe.each(DIALECTS)('webhook intake and inbox on %s', (dialect) => {
  let t: TestDeps
  let deps: Deps
  let app: ReturnType<typeof createApp>
  const clock = createManualClock(new Date('2026-11-22T12:00:00.000Z'))

  beforeAll(async () => {
    t = await createTestDeps(dialect, { clock })
    deps = { ...t.deps, config: testConfig({ stripeWebhookSecret: SECRET }) }
    app = createApp(deps)
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
      expect(row.type).toBe('coupon.created')
    }
    await deps.db.deleteFrom('stripe_events').execute()
  })

  it('acknowledges an unknown type, stores a duplicate once, and marks it handled', async () => {
    const payload = eventPayload('evt_unknown', 'tax_rate.created')
    const responses = await Promise.all([1, 2, 3].map(() => post(payload, sign(payload))))
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200])
    expect((await listEvents(deps.db)).filter((e) => e.stripe_event_id === 'evt_unknown')).toHaveLength(1)
    expect(await processInboxNow(deps, {})).toBe(1)
    const row = await findEventByStripeId(deps.db, 'evt_unknown')
    expect(row?.handled_at).not.toBeNull()
    expect(row?.attempts).toBe(1)
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
        claimedFirst((await claimDueEvents(trx, input())).map((e) => e.stripe_event_id))
        await firstHolds
      })
      const firstIds = await first
      const second = await deps.db.transaction().execute((trx) => claimDueEvents(trx, input()))
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
