import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { advanceClock, customerWithCard, DAY, drain, monthlyPrice, T0 } from './test-helpers.js'

const suite = useEmulatorSuite()
let premium: Stripe.Price
let basic: Stripe.Price

beforeAll(async () => {
  premium = await monthlyPrice(suite.stripe, 1800)
  basic = await monthlyPrice(suite.stripe, 900)
})

const strip = <T extends object>(o: T): T => {
  const { lastResponse: _, ...rest } = o as T & { lastResponse?: unknown }
  return rest as T
}

async function onClock() {
  const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
  const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
  return { clock, customer }
}

async function scheduleTypes(): Promise<string[]> {
  await suite.emulator.idle()
  return suite.receiver.received
    .map((r) => r.event.type)
    .filter((t) => t.startsWith('subscription_schedule.'))
}

describe('subscription schedules', () => {
  it('downgrade at period end: from_subscription, then a second phase; the renewal bills the cheaper price', async () => {
    const { clock, customer } = await onClock()
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: premium.id }],
    })
    await advanceClock(suite.stripe, clock.id, T0 + 10 * DAY)
    await suite.emulator.idle()
    drain(suite.receiver)
    const schedule = await suite.stripe.subscriptionSchedules.create({ from_subscription: sub.id })
    assertStripeShape(strip(schedule))
    expect(schedule).toMatchObject({ status: 'active', subscription: sub.id, end_behavior: 'release' })
    expect(schedule.phases[0]).toMatchObject({ start_date: T0, end_date: T0 + 31 * DAY })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).schedule).toBe(schedule.id)
    const updated = await suite.stripe.subscriptionSchedules.update(schedule.id, {
      phases: [
        {
          items: [{ price: premium.id }],
          start_date: schedule.phases[0]!.start_date,
          end_date: schedule.phases[0]!.end_date,
        },
        { items: [{ price: basic.id }], duration: { interval: 'month', interval_count: 1 } },
      ],
    })
    expect(updated.phases).toHaveLength(2)
    expect(updated.phases[1]!.end_date).toBe(T0 + 59 * DAY) // Feb 15 → Mar 15
    // Nothing changes until the period ends.
    expect((await suite.stripe.invoiceItems.list({ customer: customer.id, pending: true })).data).toEqual([])

    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 2 * 3600)
    const after = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(after.items.data[0]!.price.id).toBe(basic.id)
    const [renewal] = (await suite.stripe.invoices.list({ subscription: sub.id, limit: 1 })).data
    expect(renewal!.lines.data.map((l) => l.amount)).toEqual([900])
    expect(renewal!.status).toBe('paid')

    // After the last phase the schedule completes and releases the subscription, which renews on.
    await advanceClock(suite.stripe, clock.id, T0 + 59 * DAY + 2 * 3600)
    const done = await suite.stripe.subscriptionSchedules.retrieve(schedule.id)
    expect(done).toMatchObject({ status: 'completed', released_subscription: sub.id, subscription: null })
    const released = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(released).toMatchObject({ status: 'active', schedule: null })
    expect(await scheduleTypes()).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.updated',
      'subscription_schedule.updated',
      'subscription_schedule.expiring', // 7 days before the last phase ends
      'subscription_schedule.completed',
    ])
  })

  it('with phases: creates the subscription, a mid-period phase end prorates, end_behavior cancel', async () => {
    const { clock, customer } = await onClock()
    drain(suite.receiver)
    const schedule = await suite.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      end_behavior: 'cancel',
      phases: [
        { items: [{ price: basic.id }], end_date: T0 + 15 * DAY },
        { items: [{ price: premium.id }], end_date: T0 + 31 * DAY },
      ],
    })
    const subId = String(schedule.subscription)
    const sub = await suite.stripe.subscriptions.retrieve(subId)
    expect(sub).toMatchObject({ status: 'active', schedule: schedule.id })
    await advanceClock(suite.stripe, clock.id, T0 + 15 * DAY + 60)
    const pending = await suite.stripe.invoiceItems.list({ customer: customer.id, pending: true })
    expect(pending.data.map((i) => i.amount).sort((a, b) => a - b)).toEqual([-465, 929])
    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 60)
    expect((await suite.stripe.subscriptions.retrieve(subId)).status).toBe('canceled')
    expect((await suite.stripe.subscriptionSchedules.retrieve(schedule.id)).status).toBe('completed')
    await suite.emulator.idle()
    const types = suite.receiver.received.map((r) => r.event.type)
    expect(types.indexOf('subscription_schedule.created')).toBeLessThan(
      types.indexOf('customer.subscription.created'),
    )
    expect(types).toContain('customer.subscription.deleted')
  })

  it('release keeps the subscription; cancel ends it; bad input in the envelope', async () => {
    const { customer } = await onClock()
    const a = await suite.stripe.subscriptionSchedules.create({
      customer: customer.id,
      phases: [{ items: [{ price: basic.id }] }],
    })
    const released = await suite.stripe.subscriptionSchedules.release(a.id)
    expect(released).toMatchObject({
      status: 'released',
      subscription: null,
      released_subscription: a.subscription,
    })
    expect((await suite.stripe.subscriptions.retrieve(String(a.subscription))).schedule).toBeNull()
    await expect(suite.stripe.subscriptionSchedules.release(a.id)).rejects.toMatchObject({ statusCode: 400 })
    const b = await suite.stripe.subscriptionSchedules.create({
      customer: customer.id,
      phases: [{ items: [{ price: basic.id }] }],
    })
    const canceled = await suite.stripe.subscriptionSchedules.cancel(b.id)
    expect(canceled.status).toBe('canceled')
    expect((await suite.stripe.subscriptions.retrieve(String(b.subscription))).status).toBe('canceled')
    const list = await suite.stripe.subscriptionSchedules.list({ customer: customer.id })
    expect(list.data.map((s) => s.id)).toEqual([b.id, a.id])

    await expect(suite.stripe.subscriptionSchedules.create({ customer: customer.id })).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'phases',
    })
    await expect(
      suite.stripe.subscriptionSchedules.create({ from_subscription: 'sub_nope' }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'from_subscription' })
    await expect(suite.stripe.subscriptionSchedules.retrieve('sub_sched_nope')).rejects.toMatchObject({
      statusCode: 404,
    })
  })
})
