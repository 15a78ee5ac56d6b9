/**
 * The purchase webhook on each dialect: a paid Checkout Session's event is final, so fulfilment
 * reads it as delivered instead of asking Stripe again; an unpaid one is still re-fetched.
 */
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { buyAndPayWithFaults, completedEventOf, postSignedWebhook } from '../../../test/purchase.js'
import { findOrderBySessionId } from './repo.js'

describe.each(DIALECTS)('the checkout.session.completed handler on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, workers: 'manual' })
  })
  afterAll(async () => {
    await t?.close()
  })

  /** A purchase paid in the emulator whose events were kept from Tollgate; returns its completed event. */
  async function paidButUndelivered(email: string): Promise<Stripe.Event> {
    const { sessionId } = await buyAndPayWithFaults(t, { drop: true }, { price: 'field-guide', email })
    return completedEventOf(t, sessionId)
  }

  /** Delivers `event`, its session changed by `changed`, under an id of its own. */
  async function deliver(event: Stripe.Event, changed: Partial<Stripe.Checkout.Session> = {}) {
    const session = { ...event.data.object, ...changed }
    const id = `${event.id}_${Object.keys(changed).length}`
    const res = await postSignedWebhook(t, JSON.stringify({ ...event, id, data: { object: session } }))
    expect(res.status).toBe(200)
  }

  it('fulfils a paid session from the event alone, while Stripe refuses every call', async () => {
    const event = await paidButUndelivered(`snapshot-${dialect}@example.com`)
    const sessionId = (event.data.object as Stripe.Checkout.Session).id
    t.emulator.faults.set({ rateLimit: 1_000_000 })
    try {
      await deliver(event)
      await t.drain()
    } finally {
      t.emulator.faults.clear()
    }
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toMatchObject({ status: 'paid', amount: 1900 })
  })

  it('asks Stripe about a session the event shows unpaid, and fulfils what Stripe says is paid', async () => {
    const event = await paidButUndelivered(`refetched-${dialect}@example.com`)
    const sessionId = (event.data.object as Stripe.Checkout.Session).id
    // An older snapshot of the same session: only Stripe can say it was paid since.
    await deliver(event, { payment_status: 'unpaid' })
    await t.drain()
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toMatchObject({ status: 'paid' })
  })
})
