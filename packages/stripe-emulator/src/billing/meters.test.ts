import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { advanceClock, customerWithCard, DAY, monthlyPrice, periodOf } from './test-helpers.js'

const suite = useEmulatorSuite()

const strip = <T extends object>(o: T): T => {
  const { lastResponse: _l, ...rest } = o as T & { lastResponse?: unknown }
  return rest as T
}

async function meterTypes(): Promise<string[]> {
  await suite.emulator.idle()
  return suite.receiver.types().filter((t) => t.startsWith('billing.meter'))
}

describe('billing meters', () => {
  it('create, retrieve, list by status, update, deactivate, reactivate, with their events', async () => {
    const s = suite.stripe
    const meter = await s.billing.meters.create({
      display_name: 'API calls',
      event_name: 'api_call',
      default_aggregation: { formula: 'sum' },
    })
    assertStripeShape(strip(meter))
    expect(meter).toMatchObject({
      object: 'billing.meter',
      status: 'active',
      customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
      value_settings: { event_payload_key: 'value' },
      event_time_window: null,
    })
    expect(meter.id).toMatch(/^mtr_/)
    expect((await s.billing.meters.retrieve(meter.id)).event_name).toBe('api_call')
    await expect(
      s.billing.meters.create({
        display_name: 'Dup',
        event_name: 'api_call',
        default_aggregation: { formula: 'count' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'event_name' })
    const renamed = await s.billing.meters.update(meter.id, { display_name: 'Requests' })
    expect(renamed.display_name).toBe('Requests')
    const off = await s.billing.meters.deactivate(meter.id)
    expect(off).toMatchObject({ status: 'inactive' })
    expect(off.status_transitions.deactivated_at).toBeTypeOf('number')
    expect((await s.billing.meters.list({ status: 'inactive' })).data.map((m) => m.id)).toContain(meter.id)
    expect((await s.billing.meters.list({ status: 'active' })).data.map((m) => m.id)).not.toContain(meter.id)
    const on = await s.billing.meters.reactivate(meter.id)
    expect(on).toMatchObject({ status: 'active', status_transitions: { deactivated_at: null } })
    await expect(s.billing.meters.reactivate(meter.id)).rejects.toMatchObject({ statusCode: 400 })
    expect(await meterTypes()).toEqual([
      'billing.meter.created',
      'billing.meter.updated',
      'billing.meter.deactivated',
      'billing.meter.reactivated',
    ])
    await expect(
      s.billing.meters.create({
        display_name: 'Bad',
        event_name: 'bad',
        default_aggregation: { formula: 'avg' as 'sum' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'default_aggregation[formula]' })
    await expect(s.billing.meters.retrieve('mtr_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    })
  })

  it('meter events: identifiers unique, timestamps in range, summaries per window and formula', async () => {
    const s = suite.stripe
    const { customer } = await customerWithCard(s)
    const other = await s.customers.create({ email: 'other@example.com' })
    const tokens = await s.billing.meters.create({
      display_name: 'Tokens',
      event_name: 'tokens_used',
      default_aggregation: { formula: 'sum' },
      customer_mapping: { event_payload_key: 'customer', type: 'by_id' },
      value_settings: { event_payload_key: 'tokens' },
    })
    const logins = await s.billing.meters.create({
      display_name: 'Logins',
      event_name: 'login',
      default_aggregation: { formula: 'count' },
    })
    const hour = Math.floor(suite.emulator.clock.now() / 3600) * 3600 - 3 * 3600
    const send = (payload: Record<string, string>, timestamp: number, identifier?: string) =>
      s.billing.meterEvents.create({
        event_name: 'tokens_used',
        payload,
        timestamp,
        ...(identifier ? { identifier } : {}),
      })
    const first = await send({ customer: customer.id, tokens: '120' }, hour + 10, 'req_1')
    assertStripeShape(strip(first))
    expect(first).toMatchObject({ object: 'billing.meter_event', identifier: 'req_1', timestamp: hour + 10 })
    await send({ customer: customer.id, tokens: '30' }, hour + 3700)
    await send({ customer: other.id, tokens: '999' }, hour + 20)
    await send({ customer: customer.id, tokens: 'lots' }, hour + 30) // not a number: not counted
    await send({ customer: customer.id, tokens: '2.5' }, hour + 35) // not a whole number: not counted
    await expect(send({ customer: customer.id, tokens: '5' }, hour + 40, 'req_1')).rejects.toMatchObject({
      statusCode: 400,
      param: 'identifier',
    })
    await expect(
      send({ customer: customer.id, tokens: '5' }, suite.emulator.clock.now() - 40 * DAY),
    ).rejects.toMatchObject({ statusCode: 400, param: 'timestamp' })
    for (let i = 0; i < 3; i++)
      await s.billing.meterEvents.create({
        event_name: 'login',
        payload: { stripe_customer_id: customer.id },
        timestamp: hour + i,
      })

    const whole = await s.billing.meters.listEventSummaries(tokens.id, {
      customer: customer.id,
      start_time: hour,
      end_time: hour + 2 * 3600,
    })
    expect(whole.data.map((x) => strip(x))).toEqual([
      expect.objectContaining({
        aggregated_value: 150,
        start_time: hour,
        end_time: hour + 7200,
        meter: tokens.id,
      }),
    ])
    for (const x of whole.data) assertStripeShape(strip(x))
    const hourly = await s.billing.meters.listEventSummaries(tokens.id, {
      customer: customer.id,
      start_time: hour,
      end_time: hour + 2 * 3600,
      value_grouping_window: 'hour',
    })
    // Newest window first, as in Stripe's list example.
    expect(hourly.data.map((x) => [x.start_time, x.aggregated_value])).toEqual([
      [hour + 3600, 30],
      [hour, 120],
    ])
    const count = await s.billing.meters.listEventSummaries(logins.id, {
      customer: customer.id,
      start_time: hour,
      end_time: hour + 3600,
    })
    expect(count.data[0]?.aggregated_value).toBe(3)
    await expect(
      s.billing.meters.listEventSummaries(tokens.id, {
        customer: customer.id,
        start_time: hour + 1,
        end_time: hour + 60,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'start_time' })
  })

  it('metered prices bill the period’s usage in arrears on the renewal invoice (test clock)', async () => {
    const s = suite.stripe
    const clock = await s.testHelpers.testClocks.create({ frozen_time: suite.emulator.clock.now() })
    const { customer } = await customerWithCard(s, 'pm_card_visa', clock.id)
    const meter = await s.billing.meters.create({
      display_name: 'Emails sent',
      event_name: 'email_sent',
      default_aggregation: { formula: 'sum' },
    })
    await expect(
      s.prices.create({
        currency: 'usd',
        unit_amount: 5,
        recurring: { interval: 'month', usage_type: 'metered' },
        product_data: { name: 'Emails' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'recurring[meter]' })
    const perEmail = await s.prices.create({
      currency: 'usd',
      unit_amount: 5,
      recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
      product_data: { name: 'Emails' },
    })
    expect(perEmail.recurring).toMatchObject({ usage_type: 'metered', meter: meter.id })
    expect((await s.prices.list({ recurring: { meter: meter.id } })).data.map((p) => p.id)).toEqual([
      perEmail.id,
    ])
    const base = await monthlyPrice(s, 1000)
    await expect(
      s.subscriptions.create({ customer: customer.id, items: [{ price: perEmail.id, quantity: 2 }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'items[0][quantity]' })
    const sub = await s.subscriptions.create({
      customer: customer.id,
      items: [{ price: base.id }, { price: perEmail.id }],
      expand: ['latest_invoice'],
    })
    const first = sub.latest_invoice as Stripe.Invoice
    expect(first).toMatchObject({ total: 1000, status: 'paid' })
    expect(first.lines.data.map((l) => l.amount)).toEqual([1000, 0])
    expect(sub.items.data[1]?.plan.meter).toBe(meter.id)

    const { start, end } = periodOf(sub)
    const emails = (n: number, at: number) =>
      s.billing.meterEvents.create({
        event_name: 'email_sent',
        payload: { stripe_customer_id: customer.id, value: String(n) },
        timestamp: at,
      })
    await emails(40, start + 60)
    await advanceClock(s, clock.id, start + 10 * DAY)
    await emails(60, start + 10 * DAY - 60)
    const preview = await s.invoices.createPreview({ subscription: sub.id })
    expect(preview.total).toBe(1000 + 100 * 5)
    await advanceClock(s, clock.id, end + 2 * 3600)
    await emails(7, end + 3600) // the next period's usage
    const renewal = (await s.invoices.list({ subscription: sub.id, limit: 1 })).data[0]!
    expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', total: 1500, amount_paid: 1500 })
    const usageLine = renewal.lines.data.find((l) => l.pricing?.price_details?.price === perEmail.id)
    expect(usageLine).toMatchObject({ amount: 500, quantity: 100, period: { start, end } })
    assertStripeShape(strip(renewal))
    const summary = await s.billing.meters.listEventSummaries(meter.id, {
      customer: customer.id,
      start_time: Math.floor(end / 60) * 60,
      end_time: Math.floor(end / 60) * 60 + 2 * 3600,
    })
    expect(summary.data[0]?.aggregated_value).toBe(7)

    // A negative cycle (corrections larger than the usage) bills quantity 0, as Stripe documents.
    await emails(-20, end + 3700)
    const next = (await s.invoices.createPreview({ subscription: sub.id })).lines.data.find(
      (l) => l.pricing?.price_details?.price === perEmail.id,
    )
    expect(next).toMatchObject({ amount: 0, quantity: 0 })
  })
})
