/**
 * `POST /v1/subscriptions/:id/resume` on a trial paused for want of a card, with each
 * `payment_behavior` (billing/resume.ts).
 */
import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { DAY, monthlyPrice } from './test-helpers.js'
import { trialHelpers } from './trial-test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe, 1000)
})

const { trialWithoutCard, pastTrialEnd, typesFor } = trialHelpers(suite, () => price)

describe('resuming a paused subscription', () => {
  it('resume_on_payment_success after a card is attached: a new period from the resume time, invoiced and paid at once', async () => {
    const sub = await trialWithoutCard('pause')
    expect((await pastTrialEnd(sub)).status).toBe('paused')
    await suite.emulator.clock.advance(3 * DAY)
    const pm = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: String(sub.customer) })
    await suite.stripe.customers.update(String(sub.customer), {
      invoice_settings: { default_payment_method: pm.id },
    })
    const before = typesFor(sub.id).length
    const invoiceEventsBefore = suite.receiver.received.length
    const now = suite.emulator.clock.now()
    const resumed = await suite.stripe.subscriptions.resume(sub.id, {
      payment_behavior: 'resume_on_payment_success',
    })
    expect(resumed.status).toBe('active')
    expect(resumed.billing_cycle_anchor).toBe(now)
    const item = resumed.items.data[0]!
    expect(item.current_period_start).toBe(now)
    expect(item.current_period_end).toBeGreaterThanOrEqual(now + 28 * DAY)
    const invoices = await suite.stripe.invoices.list({ subscription: sub.id })
    expect(invoices.data).toHaveLength(2)
    const invoice = invoices.data.find((i) => i.id === resumed.latest_invoice)!
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 1000 })
    expect(invoice.lines.data[0]!.period).toEqual({ start: now, end: item.current_period_end })
    await suite.emulator.idle()
    expect(typesFor(sub.id).slice(before)).toEqual([
      'customer.subscription.resumed',
      'customer.subscription.updated',
    ])
    const order = suite.receiver.received
      .slice(invoiceEventsBefore)
      .map((r) => r.event)
      .filter((e) => [invoice.id, sub.id].includes(String((e.data.object as { id?: string }).id)))
      .map((e) => e.type)
    expect(order).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.resumed',
      'customer.subscription.updated',
    ])
    await expect(suite.stripe.subscriptions.resume(sub.id)).rejects.toThrow(/paused/)
  })

  it('resume_on_payment_success with a declined card: still paused, the invoice open, failed and retried; a later payment resumes it', async () => {
    const sub = await trialWithoutCard('pause')
    expect((await pastTrialEnd(sub)).status).toBe('paused')
    const pm = await suite.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: String(sub.customer),
    })
    await suite.stripe.customers.update(String(sub.customer), {
      invoice_settings: { default_payment_method: pm.id },
    })
    const resumed = await suite.stripe.subscriptions.resume(sub.id, {
      payment_behavior: 'resume_on_payment_success',
    })
    expect(resumed.status).toBe('paused')
    const invoice = await suite.stripe.invoices.retrieve(String(resumed.latest_invoice))
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1, amount_paid: 0 })
    expect(invoice.next_payment_attempt).not.toBeNull()
    await suite.emulator.idle()
    expect(suite.receiver.types()).toContain('invoice.payment_failed')
    expect(typesFor(sub.id)).not.toContain('customer.subscription.resumed')
    // The first retry (3 days later by default) fails too; a good card then pays it by hand.
    await suite.emulator.clock.advance(3 * DAY + 60)
    expect(await suite.stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      attempt_count: 2,
    })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('paused')
    const visa = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: String(sub.customer) })
    await suite.stripe.invoices.pay(invoice.id, { payment_method: visa.id })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('active')
    await suite.emulator.idle()
    expect(typesFor(sub.id)).toContain('customer.subscription.resumed')
  })

  it('resume_on_payment_attempt (the default): nothing is charged in the request; the subscription waits paused for a payment attempt', async () => {
    const sub = await trialWithoutCard('pause')
    await pastTrialEnd(sub)
    const pm = await suite.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: String(sub.customer),
    })
    await suite.stripe.customers.update(String(sub.customer), {
      invoice_settings: { default_payment_method: pm.id },
    })
    const resumed = await suite.stripe.subscriptions.resume(sub.id)
    expect(resumed.status).toBe('paused')
    const invoice = await suite.stripe.invoices.retrieve(String(resumed.latest_invoice))
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 0, amount_due: 1000 })
    // A failed attempt resumes it past_due, with no automatic retries.
    await expect(suite.stripe.invoices.pay(invoice.id)).rejects.toMatchObject({ statusCode: 402 })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due')
    expect(await suite.stripe.invoices.retrieve(invoice.id)).toMatchObject({
      attempt_count: 1,
      next_payment_attempt: null,
    })
    await suite.emulator.idle()
    expect(typesFor(sub.id)).toContain('customer.subscription.resumed')
  })

  it('resume_on_payment_attempt: a successful /pay resumes it active; marking the invoice uncollectible resumes it too', async () => {
    for (const settle of ['pay', 'uncollectible'] as const) {
      const sub = await trialWithoutCard('pause')
      await pastTrialEnd(sub)
      const pm = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: String(sub.customer) })
      await suite.stripe.customers.update(String(sub.customer), {
        invoice_settings: { default_payment_method: pm.id },
      })
      const resumed = await suite.stripe.subscriptions.resume(sub.id, {
        payment_behavior: 'resume_on_payment_attempt',
      })
      expect(resumed.status).toBe('paused')
      const invoiceId = String(resumed.latest_invoice)
      if (settle === 'pay') await suite.stripe.invoices.pay(invoiceId)
      else await suite.stripe.invoices.markUncollectible(invoiceId)
      const after = await suite.stripe.subscriptions.retrieve(sub.id)
      expect(after.status).toBe('active')
      // The periods are the ones the resume request billed, not the time of the payment.
      const line = (await suite.stripe.invoices.retrieve(invoiceId)).lines.data[0]!
      expect(after.items.data[0]!.current_period_start).toBe(line.period.start)
    }
  })

  it('resume with billing_cycle_anchor=unchanged: the period around now on the old anchor, prorated', async () => {
    const sub = await trialWithoutCard('pause')
    const paused = await pastTrialEnd(sub)
    await suite.emulator.clock.advance(10 * DAY)
    const pm = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: String(sub.customer) })
    await suite.stripe.customers.update(String(sub.customer), {
      invoice_settings: { default_payment_method: pm.id },
    })
    const resumed = await suite.stripe.subscriptions.resume(sub.id, {
      billing_cycle_anchor: { type: 'unchanged' },
      payment_behavior: 'resume_on_payment_success',
    })
    expect(resumed.status).toBe('active')
    expect(resumed.billing_cycle_anchor).toBe(paused.billing_cycle_anchor)
    const item = resumed.items.data[0]!
    expect(item.current_period_start).toBe(paused.items.data[0]!.current_period_end)
    const invoice = await suite.stripe.invoices.retrieve(String(resumed.latest_invoice))
    expect(invoice.status).toBe('paid')
    expect(invoice.amount_paid).toBeGreaterThan(0)
    expect(invoice.amount_paid).toBeLessThan(1000)

    // proration_date: prorated as though resumed at the period's start, so the whole period is billed.
    const other = await trialWithoutCard('pause')
    const otherPaused = await pastTrialEnd(other)
    await suite.emulator.clock.advance(10 * DAY)
    const card = await suite.stripe.paymentMethods.attach('pm_card_visa', {
      customer: String(other.customer),
    })
    await suite.stripe.customers.update(String(other.customer), {
      invoice_settings: { default_payment_method: card.id },
    })
    const periodStart = otherPaused.items.data[0]!.current_period_end
    const whole = await suite.stripe.subscriptions.resume(other.id, {
      billing_cycle_anchor: { type: 'unchanged' },
      payment_behavior: 'resume_on_payment_success',
      proration_date: periodStart,
    })
    const wholeInvoice = await suite.stripe.invoices.retrieve(String(whole.latest_invoice))
    expect(wholeInvoice.amount_paid).toBe(1000)
    expect(wholeInvoice.lines.data[0]!.period.start).toBe(periodStart)
  })
})
