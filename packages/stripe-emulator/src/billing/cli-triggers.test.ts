import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { stripeTrigger } from '../testing.js'

const suite = useEmulatorSuite()

/** Runs `stripe trigger`; execFile rejects on a non-zero exit. Returns the CLI's output. */
async function trigger(event: string): Promise<string> {
  return stripeTrigger(suite.t.url, event)
}

async function eventsOfType(type: string): Promise<Stripe.Event[]> {
  return (await suite.stripe.events.list({ type, limit: 100 })).data
}

describe('stripe trigger (the official CLI) against the emulator: subscriptions and invoices', () => {
  const events = [
    'customer.subscription.created',
    'customer.subscription.updated',
    'customer.subscription.deleted',
    'customer.subscription.trial_will_end',
    'invoice.paid',
    'invoice.payment_failed',
  ]
  for (const event of events) {
    it(`completes ${event}: exit 0, the event is in /v1/events and was delivered`, async () => {
      const before = (await eventsOfType(event)).length
      const output = await trigger(event)
      expect(output).toContain('Trigger succeeded')
      await suite.emulator.idle()
      const after = await eventsOfType(event)
      expect(after.length).toBeGreaterThan(before)
      expect(suite.receiver.received.some((r) => r.event.id === after[0]?.id)).toBe(true)
      assertStripeShape(after[0])
    }, 90_000)
  }

  it('paid the CLI invoice from its pending item, and failed the 0341 one', async () => {
    const [paid] = await eventsOfType('invoice.paid')
    expect(paid?.data.object).toMatchObject({
      status: 'paid',
      amount_paid: 2000,
      billing_reason: 'manual',
      parent: null,
    })
    const [failed] = await eventsOfType('invoice.payment_failed')
    expect(failed?.data.object).toMatchObject({ status: 'open', amount_remaining: 2000, attempt_count: 1 })
  })
})

describe('stripe trigger subscription.payment_succeeded / _failed: CLI names, not Stripe event types', () => {
  // Stripe has no `subscription.payment_*` events (the SDK's event types list none): the fixtures
  // create a subscription whose first invoice is charged, and what Stripe sends for that is the
  // invoice's events.
  it('subscription.payment_succeeded: the first invoice is paid (invoice.paid, invoice.payment_succeeded), the subscription active', async () => {
    const output = await trigger('subscription.payment_succeeded')
    expect(output).toContain('Trigger succeeded')
    await suite.emulator.idle()
    for (const type of ['invoice.paid', 'invoice.payment_succeeded']) {
      const [event] = await eventsOfType(type)
      expect(event?.data.object).toMatchObject({ status: 'paid', billing_reason: 'subscription_create' })
      expect(suite.receiver.received.some((r) => r.event.id === event?.id)).toBe(true)
    }
    const invoice = (await eventsOfType('invoice.payment_succeeded'))[0]?.data.object as Stripe.Invoice
    const sub = String(invoice.parent?.subscription_details?.subscription)
    expect((await suite.stripe.subscriptions.retrieve(sub)).status).toBe('active')
  }, 90_000)

  it('subscription.payment_failed: the first invoice fails (invoice.payment_failed), the subscription incomplete', async () => {
    const output = await trigger('subscription.payment_failed')
    expect(output).toContain('Trigger succeeded')
    await suite.emulator.idle()
    const failed = suite.receiver.received.filter((r) => r.event.type === 'invoice.payment_failed')
    expect(failed).toHaveLength(1)
    const invoice = failed[0]!.event.data.object as Stripe.Invoice
    expect(invoice).toMatchObject({ status: 'open', billing_reason: 'subscription_create', attempt_count: 1 })
    expect(suite.receiver.types()).not.toContain('invoice.paid')
    const sub = String(invoice.parent?.subscription_details?.subscription)
    expect((await suite.stripe.subscriptions.retrieve(sub)).status).toBe('incomplete')
  }, 90_000)
})
