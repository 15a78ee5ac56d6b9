import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { advanceClock, customerWithCard, DAY, drain, monthlyPrice, T0 } from './test-helpers.js'

const suite = useEmulatorSuite({ dunning: { retryDays: [1, 2], finalAction: 'cancel' } })
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe, 1500)
})

const strip = <T extends object>(o: T): T => {
  const { lastResponse: _, ...rest } = o as T & { lastResponse?: unknown }
  return rest as T
}

async function onClock() {
  const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
  const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
  await suite.emulator.idle()
  drain(suite.receiver)
  return { clock, customer }
}

async function scheduleEvents(): Promise<Stripe.Event[]> {
  await suite.emulator.idle()
  return suite.receiver.received
    .map((r) => r.event)
    .filter((e) => e.type.startsWith('subscription_schedule.'))
}

describe('subscription schedules that start later, expire, and end with their subscription', () => {
  it('a future start_date is not_started with no subscription until then; it starts on the clock', async () => {
    const { clock, customer } = await onClock()
    const schedule = await suite.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: T0 + 10 * DAY,
      phases: [{ items: [{ price: price.id }], duration: { interval: 'month', interval_count: 2 } }],
    })
    assertStripeShape(strip(schedule))
    expect(schedule).toMatchObject({ status: 'not_started', subscription: null, current_phase: null })
    expect(schedule.phases[0]).toMatchObject({ start_date: T0 + 10 * DAY })
    expect((await suite.stripe.subscriptions.list({ customer: customer.id })).data).toEqual([])

    await advanceClock(suite.stripe, clock.id, T0 + 10 * DAY + 60)
    const started = await suite.stripe.subscriptionSchedules.retrieve(schedule.id)
    expect(started).toMatchObject({
      status: 'active',
      current_phase: { start_date: T0 + 10 * DAY },
    })
    const sub = await suite.stripe.subscriptions.retrieve(String(started.subscription), {
      expand: ['latest_invoice'],
    })
    expect(sub).toMatchObject({ status: 'active', schedule: schedule.id, start_date: T0 + 10 * DAY })
    expect((sub.latest_invoice as Stripe.Invoice).amount_paid).toBe(1500)
    const events = await scheduleEvents()
    expect(events.map((e) => e.type)).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.updated',
    ])
    expect(events[1]!.data.previous_attributes).toMatchObject({ status: 'not_started', subscription: null })
  })

  it('a not_started schedule can be updated: new phases from the same start date, which start it with the new items', async () => {
    const { clock, customer } = await onClock()
    const yearly = await suite.stripe.prices.create({
      currency: 'usd',
      unit_amount: 15000,
      recurring: { interval: 'year' },
      product_data: { name: 'Yearly' },
    })
    const schedule = await suite.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: T0 + 10 * DAY,
      phases: [{ items: [{ price: price.id }] }],
    })
    await expect(
      suite.stripe.subscriptionSchedules.update(schedule.id, {
        end_behavior: 'sideways' as never,
        phases: [{ items: [{ price: yearly.id }] }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'end_behavior' })
    expect((await suite.stripe.subscriptionSchedules.retrieve(schedule.id)).phases[0]?.items[0]?.price).toBe(
      price.id,
    )
    const updated = await suite.stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: 'cancel',
      metadata: { plan: 'yearly' },
      phases: [{ items: [{ price: yearly.id }] }],
    })
    assertStripeShape(strip(updated))
    expect(updated).toMatchObject({
      status: 'not_started',
      subscription: null,
      end_behavior: 'cancel',
      metadata: { plan: 'yearly' },
    })
    expect(updated.phases).toHaveLength(1)
    expect(updated.phases[0]).toMatchObject({ start_date: T0 + 10 * DAY, items: [{ price: yearly.id }] })
    await advanceClock(suite.stripe, clock.id, T0 + 10 * DAY + 60)
    const started = await suite.stripe.subscriptionSchedules.retrieve(schedule.id)
    const sub = await suite.stripe.subscriptions.retrieve(String(started.subscription), {
      expand: ['latest_invoice'],
    })
    expect(sub.items.data.map((i) => i.price.id)).toEqual([yearly.id])
    expect((sub.latest_invoice as Stripe.Invoice).amount_paid).toBe(15000)
    expect((await scheduleEvents()).map((e) => e.type)).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.updated',
      'subscription_schedule.updated',
    ])
  })

  it('canceling or releasing a not_started schedule ends it with no subscription', async () => {
    const { customer } = await onClock()
    const create = () =>
      suite.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: T0 + 30 * DAY,
        phases: [{ items: [{ price: price.id }] }],
      })
    const a = await create()
    const canceled = await suite.stripe.subscriptionSchedules.cancel(a.id, {
      invoice_now: false,
      prorate: false,
    })
    expect(canceled).toMatchObject({ status: 'canceled', subscription: null, canceled_at: T0 })
    const b = await create()
    const released = await suite.stripe.subscriptionSchedules.release(b.id)
    expect(released).toMatchObject({ status: 'released', released_subscription: null })
    expect((await scheduleEvents()).map((e) => e.type)).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.canceled',
      'subscription_schedule.created',
      'subscription_schedule.released',
    ])
  })

  it('expiring comes 7 days before the last phase ends; dunning canceling the subscription aborts the schedule', async () => {
    const { clock, customer } = await onClock()
    const schedule = await suite.stripe.subscriptionSchedules.create({
      customer: customer.id,
      phases: [{ items: [{ price: price.id }], duration: { interval: 'month', interval_count: 3 } }],
    })
    const end = schedule.phases[0]!.end_date
    await advanceClock(suite.stripe, clock.id, end - 7 * DAY - 60)
    expect((await scheduleEvents()).map((e) => e.type)).toEqual(['subscription_schedule.created'])
    await advanceClock(suite.stripe, clock.id, end - 7 * DAY)
    expect((await scheduleEvents()).map((e) => e.type)).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.expiring',
    ])
    drain(suite.receiver)

    // The next renewal fails, and dunning (retries after 1 and 2 days, then cancel) ends it.
    await suite.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: 'pm_card_chargeCustomerFail' },
    })
    const second = await suite.stripe.subscriptionSchedules.create({
      customer: customer.id,
      phases: [{ items: [{ price: price.id }], duration: { interval: 'month', interval_count: 6 } }],
    })
    const sub = String(second.subscription)
    expect((await suite.stripe.subscriptions.retrieve(sub)).status).toBe('incomplete')
    await suite.emulator.idle()
    drain(suite.receiver)
    await suite.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    })
    const invoice = (await suite.stripe.invoices.list({ subscription: sub, limit: 1 })).data[0]!
    await suite.stripe.invoices.pay(invoice.id)
    expect((await suite.stripe.subscriptions.retrieve(sub)).status).toBe('active')
    await suite.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: 'pm_card_chargeCustomerFail' },
    })
    const renewal = (await suite.stripe.subscriptions.retrieve(sub)).items.data[0]!.current_period_end
    await advanceClock(suite.stripe, clock.id, renewal + 4 * DAY)
    expect((await suite.stripe.subscriptions.retrieve(sub)).status).toBe('canceled')
    const aborted = await suite.stripe.subscriptionSchedules.retrieve(second.id)
    expect(aborted).toMatchObject({ status: 'canceled', current_phase: null })
    const types = (await scheduleEvents()).filter((e) => (e.data.object as { id: string }).id === second.id)
    expect(types.map((e) => e.type)).toEqual(['subscription_schedule.aborted'])
  })

  it('canceling a scheduled subscription through the API cancels its schedule', async () => {
    const { customer } = await onClock()
    const schedule = await suite.stripe.subscriptionSchedules.create({
      customer: customer.id,
      phases: [{ items: [{ price: price.id }], duration: { interval: 'month', interval_count: 2 } }],
    })
    await suite.stripe.subscriptions.cancel(String(schedule.subscription))
    expect(await suite.stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({
      status: 'canceled',
    })
    expect((await scheduleEvents()).map((e) => e.type)).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.canceled',
    ])
  })
})
