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
