import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'
import { stripeTrigger } from './testing.js'

const suite = useEmulatorSuite()

async function eventsOfType(type: string): Promise<Stripe.Event[]> {
  return (await suite.stripe.events.list({ type, limit: 100 })).data
}

/**
 * The Stripe CLI's own `trigger` fixtures for the setup, payment-link, invoice, credit-note,
 * schedule and tax families (the payment and subscription ones are in cli-triggers.payments.test.ts
 * and billing/cli-triggers.test.ts). Fixtures the emulator cannot run are listed with the reason in
 * the README ("Stripe CLI triggers").
 */
const EVENTS = [
  'setup_intent.created',
  'setup_intent.succeeded',
  'setup_intent.setup_failed',
  'setup_intent.requires_action',
  'setup_intent.canceled',
  'payment_link.created',
  'payment_link.updated',
  'invoice.created',
  'invoice.finalized',
  'invoice.updated',
  'invoice.deleted',
  'invoice.sent',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'invoice.payment_succeeded',
  'invoice.payment_action_required',
  'invoiceitem.created',
  'invoiceitem.deleted',
  'credit_note.created',
  'credit_note.updated',
  'credit_note.voided',
  'tax_rate.created',
  'tax_rate.updated',
  'customer.updated',
  'customer.deleted',
  'payment_intent.created',
  'payment_intent.payment_failed',
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'charge.succeeded',
  'charge.failed',
  'charge.refund.updated',
  'customer.subscription.paused',
  'customer.source.created',
  'customer.source.updated',
  'subscription_schedule.created',
  'subscription_schedule.updated',
  'subscription_schedule.released',
  'subscription_schedule.canceled',
  'customer.discount.created',
  'customer.discount.updated',
  'customer.discount.deleted',
  'payment_intent.partially_funded',
  // Outside the families issue 15 names, and run too.
  'billing_portal.configuration.created',
  'billing_portal.configuration.updated',
  'billing_portal.session.created',
  'test_helpers.test_clock.created',
  'test_helpers.test_clock.advancing',
  'test_helpers.test_clock.ready',
  'test_helpers.test_clock.deleted',
]

describe('stripe trigger (the official CLI) against the emulator: the billing surface', () => {
  for (const event of EVENTS) {
    it(`completes ${event}: exit 0, the event is in /v1/events and was delivered`, async () => {
      const before = (await eventsOfType(event)).length
      // execFile rejects on a non-zero exit, so reaching the next line means exit 0.
      const output = await stripeTrigger(suite.t.url, event)
      expect(output).toContain('Trigger succeeded')
      await suite.emulator.idle()
      const after = await eventsOfType(event)
      expect(after.length).toBeGreaterThan(before)
      expect(suite.receiver.received.some((r) => r.event.id === after[0]?.id)).toBe(true)
      assertStripeShape(after[0])
    }, 90_000)
  }
})

describe('stripe trigger: fixtures whose event comes later or on a test clock', () => {
  it('checkout.session.async_payment_succeeded / _failed arrive once the bank answers (emulator clock)', async () => {
    for (const event of [
      'checkout.session.async_payment_succeeded',
      'checkout.session.async_payment_failed',
    ]) {
      const output = await stripeTrigger(suite.t.url, event)
      expect(output).toContain('Trigger succeeded')
      await suite.emulator.idle()
      expect((await eventsOfType(event)).length).toBe(0) // SEPA answers asyncPaymentSeconds later
      await suite.emulator.clock.advance(60)
      const after = await eventsOfType(event)
      expect(after).toHaveLength(1)
      expect(suite.receiver.received.some((r) => r.event.id === after[0]?.id)).toBe(true)
      assertStripeShape(after[0])
    }
  }, 120_000)

  it('subscription_schedule.completed is delivered (dated on the fixture’s 2020 test clock, so older than /v1/events’ 30 days)', async () => {
    const output = await stripeTrigger(suite.t.url, 'subscription_schedule.completed')
    expect(output).toContain('Trigger succeeded')
    await suite.emulator.idle()
    const delivered = suite.receiver.received.filter(
      (r) => r.event.type === 'subscription_schedule.completed',
    )
    expect(delivered).toHaveLength(1)
    assertStripeShape(delivered[0]!.event)
    expect(delivered[0]!.event.data.object).toMatchObject({ status: 'completed' })
  }, 90_000)

  it('subscription_schedule.expiring comes 7 days before the end; the fixture stops its clock 9 days before, so the test moves it on', async () => {
    const output = await stripeTrigger(suite.t.url, 'subscription_schedule.expiring')
    expect(output).toContain('Trigger succeeded')
    await suite.emulator.idle()
    const expiring = () =>
      suite.receiver.received.filter((r) => r.event.type === 'subscription_schedule.expiring')
    expect(expiring()).toHaveLength(0)
    const [clock] = (await suite.stripe.testHelpers.testClocks.list({ limit: 1 })).data
    expect(clock?.frozen_time).toBe(1579478400) // 2020-01-20; the phase ends 2020-01-29
    await suite.stripe.testHelpers.testClocks.advance(clock!.id, { frozen_time: 1579478400 + 2 * 86_400 })
    await suite.emulator.idle()
    expect(expiring()).toHaveLength(1)
    assertStripeShape(expiring()[0]!.event)
    expect(expiring()[0]!.event.data.object).toMatchObject({ status: 'active', end_behavior: 'cancel' })
  }, 90_000)

  it('subscription_schedule.aborted: the fixture cancels a schedule that has not started, which Stripe documents as canceled (aborted is for a subscription canceled for non-payment)', async () => {
    const output = await stripeTrigger(suite.t.url, 'subscription_schedule.aborted')
    expect(output).toContain('Trigger succeeded')
    await suite.emulator.idle()
    const [canceled] = await eventsOfType('subscription_schedule.canceled')
    expect(canceled?.data.object).toMatchObject({ status: 'canceled', subscription: null })
    expect(suite.receiver.received.some((r) => r.event.id === canceled?.id)).toBe(true)
  }, 90_000)
})
