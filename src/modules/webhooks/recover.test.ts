/**
 * Recovery of missed events from GET /v1/events (issue 9: it looked back only one hour from the
 * newest stored event), and only of the types Tollgate handles: the others were never going to
 * be delivered, and every run stored them as "missed".
 */
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { createMember } from '../../../test/lifecycle.js'
import { HANDLED_EVENT_TYPES } from '../../event-handlers.js'
import { recoverMissedEvents, recoveryResumesFrom } from './recover.js'
import { findCursor, findEventByStripeId } from './repo.js'

const OWNER = 'owner@example.com'

describe.each(DIALECTS)('recovery of missed events on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ dialect, workers: 'manual', config: { adminEmails: [OWNER] } })
  })
  afterAll(() => t.close())

  /** The id of the event of `type` about `objectId`, once it reached the inbox. */
  async function eventAbout(type: Stripe.Event.Type, objectId: string): Promise<string> {
    await t.emulator.idle()
    const event = (await t.stripe.events.list({ type, limit: 20 })).data.find(
      (e) => (e.data.object as { id: string }).id === objectId,
    )
    expect(event).toBeDefined()
    const id = event?.id ?? ''
    expect(await findEventByStripeId(t.deps.db, id)).toBeDefined()
    return id
  }

  /** Opens a Checkout session and expires it: a `checkout.session.expired`, which a handler wants. */
  async function sessionExpired(): Promise<string> {
    const session = await t.stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://shop.example/thanks',
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Zine' } }, quantity: 1 },
      ],
    })
    await t.stripe.checkout.sessions.expire(session.id)
    return eventAbout('checkout.session.expired', session.id)
  }

  /** As if the delivery never arrived (the app was down): the inbox does not have it. */
  async function forget(eventId: string): Promise<void> {
    await t.deps.db.deleteFrom('stripe_events').where('stripe_event_id', '=', eventId).execute()
  }

  it('recovers an event missed hours before a later delivered one, from the persisted cursor', async () => {
    await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES) // the run at start: sets the cursor
    expect(await findCursor(t.deps.db, 'stripe-events-recovery')).toBeDefined()
    const missed = await sessionExpired()
    await forget(missed)
    await t.emulator.clock.advance(2 * 3600)
    await sessionExpired()

    expect(await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)).toBe(1)
    expect(await findEventByStripeId(t.deps.db, missed)).toMatchObject({ source: 'recovery' })
  })

  it('moves the cursor to the start of each complete run', async () => {
    const before = await findCursor(t.deps.db, 'stripe-events-recovery')
    await t.emulator.clock.advance(600)
    await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)
    const after = await findCursor(t.deps.db, 'stripe-events-recovery')
    expect(Date.parse(after ?? '')).toBeGreaterThan(Date.parse(before ?? ''))
    expect(await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)).toBe(0)
  })

  it('leaves out the types Tollgate does not handle', async () => {
    const customer = await t.stripe.customers.create({ email: `unwanted-${dialect}@example.com` })
    const unwanted = await eventAbout('customer.created', customer.id)
    const wanted = await sessionExpired()
    await forget(unwanted)
    await forget(wanted)

    expect(await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)).toBe(1)
    expect(await findEventByStripeId(t.deps.db, wanted)).toMatchObject({ source: 'recovery' })
    expect(await findEventByStripeId(t.deps.db, unwanted)).toBeUndefined()
  })

  it('asks for more than the 20 types Stripe takes in one request, in parts', async () => {
    // Twenty other types first, so that customer.created, the 21st, falls into the second request.
    const first20 = [
      'account.updated',
      'balance.available',
      'charge.captured',
      'charge.dispute.closed',
      'charge.dispute.created',
      'charge.dispute.funds_reinstated',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
      'charge.expired',
      'charge.failed',
      'charge.pending',
      'charge.refund.updated',
      'charge.refunded',
      'charge.succeeded',
      'charge.updated',
      'checkout.session.async_payment_failed',
      'checkout.session.async_payment_succeeded',
      'checkout.session.completed',
      'checkout.session.expired',
      'coupon.created',
    ]
    const customer = await t.stripe.customers.create({ email: `twenty-first-${dialect}@example.com` })
    const missed = await eventAbout('customer.created', customer.id)
    await forget(missed)

    // At least 1: the customer.created the test above left out comes back too, as it should here.
    expect(await recoverMissedEvents(t.deps, [...first20, 'customer.created'])).toBeGreaterThanOrEqual(1)
    expect(await findEventByStripeId(t.deps.db, missed)).toMatchObject({ source: 'recovery' })
  })

  it("shows the owner's console where the next run resumes: the last complete run less the overlap", async () => {
    const owner = await (await createMember(t, OWNER)).agent()
    const shown = async () =>
      /data-health="recovery">([^<]*)</.exec(await (await owner.request('/admin')).text())?.[1]
    await t.deps.db.deleteFrom('webhook_cursors').execute()
    expect(await recoveryResumesFrom(t.deps)).toBeUndefined()
    expect(await shown()).toBe('Event recovery has not completed a run yet')

    await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)
    const cursor = await findCursor(t.deps.db, 'stripe-events-recovery')
    const resumes = new Date(Date.parse(cursor ?? '') - 600_000)
    expect(await recoveryResumesFrom(t.deps)).toEqual(resumes)
    expect(await shown()).toBe(`Event recovery resumes from ${resumes.toISOString()}`)
  })

  it('without a cursor, reads back 30 days over an inbox that holds events, and 3 over an empty one (a new install)', async () => {
    const old = await sessionExpired()
    await t.emulator.clock.advance(5 * 86_400)
    await sessionExpired() // delivered, so the inbox is not empty
    await forget(old)
    const noCursor = () => t.deps.db.deleteFrom('webhook_cursors').execute()

    // An inbox from before the cursor was kept: the whole of Stripe's 30 days is read.
    await noCursor()
    expect(await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)).toBeGreaterThanOrEqual(1)
    expect(await findEventByStripeId(t.deps.db, old)).toMatchObject({ source: 'recovery' })

    // A new install: nothing stored, so only the last three days; the five-day-old event stays out.
    await noCursor()
    await t.deps.db.deleteFrom('stripe_events').execute()
    await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)
    expect(await findEventByStripeId(t.deps.db, old)).toBeUndefined()
  })
})
