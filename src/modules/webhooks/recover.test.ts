/** @see issue 9: recovery looked back only one hour from the newest stored event. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { recoverMissedEvents } from './recover.js'
import { findCursor, findEventByStripeId } from './repo.js'

describe.each(DIALECTS)('recovery of missed events on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ dialect, workers: 'manual' })
  })
  afterAll(() => t.close())

  /** Creates a customer and waits until its `customer.created` reached the inbox; returns the event id. */
  async function customerCreated(email: string): Promise<string> {
    const customer = await t.stripe.customers.create({ email })
    await t.emulator.idle()
    const event = (await t.stripe.events.list({ type: 'customer.created', limit: 10 })).data.find(
      (e) => (e.data.object as { id: string }).id === customer.id,
    )
    expect(event).toBeDefined()
    return event?.id ?? ''
  }

  it('recovers an event missed hours before a later delivered one, from the persisted cursor', async () => {
    await recoverMissedEvents(t.deps) // the run at start: sets the cursor
    expect(await findCursor(t.deps.db, 'stripe-events-recovery')).toBeDefined()
    const missed = await customerCreated(`missed-${dialect}@example.com`)
    // As if the delivery never arrived (the app was down): the inbox does not have it.
    await t.deps.db.deleteFrom('stripe_events').where('stripe_event_id', '=', missed).execute()
    await t.emulator.clock.advance(2 * 3600)
    const later = await customerCreated(`later-${dialect}@example.com`)
    expect(await findEventByStripeId(t.deps.db, later)).toBeDefined()

    expect(await recoverMissedEvents(t.deps)).toBeGreaterThanOrEqual(1)
    expect(await findEventByStripeId(t.deps.db, missed)).toMatchObject({ source: 'recovery' })
  })

  it('moves the cursor to the start of each complete run', async () => {
    const before = await findCursor(t.deps.db, 'stripe-events-recovery')
    await t.emulator.clock.advance(600)
    await recoverMissedEvents(t.deps)
    const after = await findCursor(t.deps.db, 'stripe-events-recovery')
    expect(Date.parse(after ?? '')).toBeGreaterThan(Date.parse(before ?? ''))
    expect(await recoverMissedEvents(t.deps)).toBe(0)
  })
})
