import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { useEmulatorSuite } from './test-suite.js'
import { stripeTrigger } from './testing.js'

const suite = useEmulatorSuite()

async function trigger(event: string): Promise<void> {
  await stripeTrigger(suite.t.url, event)
}

async function eventsOfType(type: string): Promise<Stripe.Event[]> {
  const list = await suite.stripe.events.list({ type, limit: 100 })
  return list.data
}

describe('stripe trigger (the official CLI) against the emulator: payment side', () => {
  const events = [
    'checkout.session.completed',
    'checkout.session.expired',
    'customer.created',
    'product.created',
    'price.created',
    'payment_intent.succeeded',
    'charge.refunded',
    // Beyond the required list: other payment-side fixtures the emulator also completes.
    'payment_intent.canceled',
    'charge.captured',
    'coupon.created',
    'promotion_code.created',
    'payment_method.attached',
    'charge.dispute.created',
    'charge.dispute.closed',
    'charge.dispute.updated',
  ]
  for (const event of events) {
    it(`completes ${event}: exit 0, the event is in /v1/events and was delivered`, async () => {
      const before = (await eventsOfType(event)).length
      // execFile rejects on a non-zero exit, so reaching the next line means exit 0.
      await trigger(event)
      await suite.emulator.idle()
      const after = await eventsOfType(event)
      expect(after.length).toBeGreaterThan(before)
      const newest = after[0]
      expect(suite.receiver.received.some((r) => r.event.id === newest?.id)).toBe(true)
    }, 90_000)
  }

  it('completed the CLI checkout session as paid through /v1/payment_pages', async () => {
    const [completed] = await eventsOfType('checkout.session.completed')
    const session = completed?.data.object as Stripe.Checkout.Session
    expect(session.status).toBe('complete')
    expect(session.payment_status).toBe('paid')
    expect(session.amount_total).toBe(3000)
    const pi = await suite.stripe.paymentIntents.retrieve(String(session.payment_intent))
    expect(pi.status).toBe('succeeded')
  })
})
