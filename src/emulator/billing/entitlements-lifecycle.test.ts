import type Stripe from 'stripe'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from '../testing.js'
import { advanceClock, customerWithCard, drain, monthlyPrice, periodOf, T0 } from './test-helpers.js'

const SUMMARY = 'entitlements.active_entitlement_summary.updated'

let t: TestEmulator
let stripe: Stripe
let receiver: Receiver
let basic: Stripe.Price
let premium: Stripe.Price
let feature: Stripe.Entitlements.Feature

beforeAll(async () => {
  t = await startTestEmulator()
  stripe = t.stripe
  receiver = await startReceiver(stripe)
  basic = await monthlyPrice(stripe, 900)
  premium = await monthlyPrice(stripe, 1800)
  feature = await stripe.entitlements.features.create({ name: 'Premium pages', lookup_key: 'premium-pages' })
  await stripe.products.createFeature(String(premium.product), { entitlement_feature: feature.id })
})

afterAll(async () => {
  await receiver?.close()
  await t?.close()
})

beforeEach(async () => {
  await t.emulator.idle()
  drain(receiver)
})

async function lookupKeys(customer: string): Promise<string[]> {
  const list = await stripe.entitlements.activeEntitlements.list({ customer })
  return list.data.map((e) => e.lookup_key)
}

function summaries(): string[][] {
  return receiver.received
    .filter((r) => r.event.type === SUMMARY)
    .map((r) =>
      (r.event.data.object as Stripe.Entitlements.ActiveEntitlementSummary).entitlements.data.map(
        (e) => e.lookup_key,
      ),
    )
}

describe('active entitlements follow the subscription lifecycle', () => {
  it('granted by an upgrade, kept while cancel is scheduled, removed when the subscription ends', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 })
    const { customer } = await customerWithCard(stripe, 'pm_card_visa', clock.id)
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.id }] })
    expect(await lookupKeys(customer.id)).toEqual([])

    await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: premium.id }],
      proration_behavior: 'none',
    })
    expect(await lookupKeys(customer.id)).toEqual(['premium-pages'])
    await t.emulator.idle()
    expect(summaries()).toEqual([['premium-pages']])
    const types = receiver.types()
    expect(types.indexOf(SUMMARY)).toBeGreaterThan(types.indexOf('customer.subscription.updated'))

    drain(receiver)
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })
    expect(await lookupKeys(customer.id)).toEqual(['premium-pages'])
    await advanceClock(stripe, clock.id, periodOf(sub).end + 60)
    await t.emulator.idle()
    expect(summaries()).toEqual([[]])
    expect(await lookupKeys(customer.id)).toEqual([])
  })
})
