import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createManualClock } from '../../lib/clock.js'
import type { EventHandlerMap } from './handlers.js'
import { ringInbox } from './inbox-signal.js'
import { LANES, laneKey, processInbox, processInboxNow } from './inbox-worker.js'
import { storeEvent } from './intake.js'
import { findEventByStripeId } from './repo.js'

function event(id: string, created: number, object: Record<string, unknown>): Stripe.Event {
  return {
    id,
    object: 'event',
    type: 'coupon.created',
    created,
    api_version: '2026-10-28.endive',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: { object: 'coupon', ...object } },
  } as unknown as Stripe.Event
}

describe('laneKey', () => {
  it('keys by customer (id or expanded), else by the object, else by the event', () => {
    expect(laneKey(event('evt_1', 1, { id: 'cs_1', customer: 'cus_a' }))).toBe('customer:cus_a')
    expect(laneKey(event('evt_2', 1, { id: 'in_1', customer: { id: 'cus_a' } }))).toBe('customer:cus_a')
    expect(laneKey(event('evt_3', 1, { id: 'cus_a', object: 'customer' }))).toBe('customer:cus_a')
    expect(laneKey(event('evt_4', 1, { id: 'pi_1', customer: null }))).toBe('object:pi_1')
    expect(laneKey(event('evt_5', 1, {}))).toBe('event:evt_5')
  })
})

describe.each(DIALECTS)('inbox lanes on %s', (dialect) => {
  let t: TestDeps
  const clock = createManualClock(new Date('2026-12-07T12:00:00.000Z'))

  beforeAll(async () => {
    t = await createTestDeps(dialect, { clock })
  })
  afterAll(async () => {
    await t.close()
  })

  it("handles different customers' events side by side and one customer's in order, each once", async () => {
    const store = async (e: Stripe.Event): Promise<void> => {
      await storeEvent(t.deps.db, e, { payload: JSON.stringify(e), source: 'webhook', now: clock.now() })
    }
    // cus_a's three events first (oldest), then one event each for other customers.
    for (let i = 1; i <= 3; i++)
      await store(event(`evt_a${i}`, 1_790_000_000 + i, { id: `cs_a${i}`, customer: 'cus_a' }))
    const others = ['cus_b', 'cus_c', 'cus_d']
    for (const [i, customer] of others.entries()) {
      await store(event(`evt_${customer}`, 1_790_000_010 + i, { id: `cs_${customer}`, customer }))
    }

    const order: string[] = []
    let running = 0
    let most = 0
    // cus_a's first handler waits until another customer's handler has started: with one lane
    // at a time it would wait forever (the timeout fails the test instead).
    let otherStarted: () => void = () => {}
    const anotherRuns = new Promise<void>((resolve) => {
      otherStarted = resolve
    })
    const applied = new Map<string, number>()
    const handlers: EventHandlerMap = {
      'coupon.created': [
        async (_deps, e) => {
          running++
          most = Math.max(most, running)
          const customer = (e.data.object as unknown as { customer: string }).customer
          if (customer !== 'cus_a') otherStarted()
          if (e.id === 'evt_a1') {
            await Promise.race([
              anotherRuns,
              new Promise((_, reject) =>
                setTimeout(() => reject(new Error('lanes ran one at a time')), 5000),
              ),
            ])
          }
          await new Promise((resolve) => setTimeout(resolve, 5))
          order.push(e.id)
          running--
          return async () => {
            applied.set(e.id, (applied.get(e.id) ?? 0) + 1)
          }
        },
      ],
    }
    expect(await processInboxNow(t.deps, handlers)).toBe(6)
    expect(order.filter((id) => id.startsWith('evt_a'))).toEqual(['evt_a1', 'evt_a2', 'evt_a3'])
    expect(most).toBeGreaterThan(1)
    expect(most).toBeLessThanOrEqual(LANES)
    expect([...applied.values()]).toEqual([1, 1, 1, 1, 1, 1])
    for (const id of ['evt_a1', 'evt_a2', 'evt_a3', 'evt_cus_b', 'evt_cus_c', 'evt_cus_d']) {
      expect((await findEventByStripeId(t.deps.db, id))?.handled_at).not.toBeNull()
    }
  })
  it('claims an event announced while a run is under way and handles it in that run, beside the slow one', async () => {
    const store = async (e: Stripe.Event): Promise<void> => {
      await storeEvent(t.deps.db, e, { payload: JSON.stringify(e), source: 'webhook', now: clock.now() })
    }
    await store(event('evt_slow', 1_790_000_100, { id: 'cs_slow', customer: 'cus_slow' }))
    let lateHandled: () => void = () => {}
    const late = new Promise<void>((resolve) => {
      lateHandled = resolve
    })
    const order: string[] = []
    const handlers: EventHandlerMap = {
      'coupon.created': [
        async (_deps, e) => {
          if (e.id === 'evt_slow') {
            // The late event arrives now and must be handled while this one still waits: a run
            // that claimed only once would wait for this handler first (the timeout fails it).
            await store(event('evt_late', 1_790_000_101, { id: 'cs_late', customer: 'cus_late' }))
            ringInbox()
            await Promise.race([
              late,
              new Promise((_, reject) =>
                setTimeout(() => reject(new Error('the late event waited for the run')), 5000),
              ),
            ])
          }
          order.push(e.id)
          if (e.id === 'evt_late') lateHandled()
          return async () => {}
        },
      ],
    }
    expect(await processInbox(t.deps, handlers)).toBe(2)
    expect(order).toEqual(['evt_late', 'evt_slow'])
    for (const id of ['evt_slow', 'evt_late']) {
      expect((await findEventByStripeId(t.deps.db, id))?.handled_at).not.toBeNull()
    }
  })
})
