import { readFile } from 'node:fs/promises'
import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'
import { stripeTrigger, stripeTriggerHelp } from './testing.js'

const suite = useEmulatorSuite()

/**
 * The event families issue 15 names (checkout, payment, customer, subscription, invoice, refund,
 * dispute, setup, payment link) as the CLI's fixture names start: charges carry refunds and
 * disputes; products and prices are the catalog the payment fixtures build on.
 */
const FAMILIES =
  /^(charge|checkout|credit_note|customer|customer_cash_balance_transaction|invoice|invoiceitem|payment_intent|payment_link|payment_method|price|product|setup_intent|subscription|subscription_schedule)\./

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
    'coupon.updated',
    'coupon.deleted',
    'promotion_code.created',
    'promotion_code.updated',
    'cash_balance.funds_available',
    'payment_method.attached',
    'charge.dispute.created',
    'charge.dispute.closed',
    'charge.dispute.updated',
    'payment_method.detached',
    'payment_method.updated',
    'product.updated',
    'product.deleted',
    'price.updated',
    'customer_cash_balance_transaction.created',
    // A SEPA debit confirmed with mandate_data and Stripe's delayed-success test IBAN.
    'payment_intent.processing',
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
      assertStripeShape(newest)
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

  it('the processing fixture made a Mandate from its mandate_data, named by the charge, and the debit succeeds after three minutes', async () => {
    const [processing] = await eventsOfType('payment_intent.processing')
    const pi = processing?.data.object as Stripe.PaymentIntent
    expect(pi).toMatchObject({ status: 'processing', amount: 1000, currency: 'eur' })
    const charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    expect(charge.status).toBe('pending')
    const { lastResponse: _, ...mandate } = await suite.stripe.mandates.retrieve(
      String(charge.payment_method_details?.sepa_debit?.mandate),
    )
    assertStripeShape(mandate)
    expect(mandate).toMatchObject({
      status: 'active',
      type: 'single_use',
      single_use: { amount: 1000, currency: 'eur' },
      payment_method: pi.payment_method,
      customer_acceptance: { type: 'offline', accepted_at: 1590590577, offline: {} },
    })
    const page = await fetch(String(mandate.payment_method_details.sepa_debit?.url))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(mandate.payment_method_details.sepa_debit?.reference)
    // AT321904300235473204 is Stripe's "succeeds after at least three minutes" IBAN.
    await suite.emulator.clock.advance(170)
    expect((await suite.stripe.paymentIntents.retrieve(pi.id)).status).toBe('processing')
    await suite.emulator.clock.advance(10)
    expect((await suite.stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded')
  })
})

describe('the trigger tests cover every CLI fixture of the families issue 15 names', () => {
  it('each fixture `stripe trigger --help` lists for them is named in one of the three trigger test files', async () => {
    const help = await stripeTriggerHelp()
    const listed = (help.split('Supported events:')[1] ?? '').split('Usage:')[0] ?? ''
    const fixtures = listed.split(/\s+/).filter((name) => FAMILIES.test(name))
    expect(fixtures.length).toBeGreaterThanOrEqual(74)
    const sources = await Promise.all(
      [
        './cli-triggers.payments.test.ts',
        './billing/cli-triggers.test.ts',
        './cli-triggers.billing-surface.test.ts',
      ].map((f) => readFile(new URL(f, import.meta.url), 'utf8')),
    )
    const run = (name: string) => sources.some((src) => src.includes(`'${name}'`))
    expect(fixtures.filter((name) => !run(name))).toEqual([])
  })
})
