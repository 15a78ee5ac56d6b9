import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { advanceClock, customerWithCard, drain, monthlyPrice, periodOf, T0 } from './test-helpers.js'

const SUMMARY = 'entitlements.active_entitlement_summary.updated'

const suite = useEmulatorSuite()
let basic: Stripe.Price
let premium: Stripe.Price
let feature: Stripe.Entitlements.Feature

beforeAll(async () => {
  basic = await monthlyPrice(suite.stripe, 900)
  premium = await monthlyPrice(suite.stripe, 1800)
  feature = await suite.stripe.entitlements.features.create({
    name: 'Premium pages',
    lookup_key: 'premium-pages',
  })
  await suite.stripe.products.createFeature(String(premium.product), { entitlement_feature: feature.id })
})

async function lookupKeys(customer: string): Promise<string[]> {
  const list = await suite.stripe.entitlements.activeEntitlements.list({ customer })
  return list.data.map((e) => e.lookup_key)
}

function summaries(): string[][] {
  return suite.receiver.received
    .filter((r) => r.event.type === SUMMARY)
    .map((r) =>
      (r.event.data.object as Stripe.Entitlements.ActiveEntitlementSummary).entitlements.data.map(
        (e) => e.lookup_key,
      ),
    )
}

describe('active entitlements follow the subscription lifecycle', () => {
  it('granted by an upgrade, kept while cancel is scheduled, removed when the subscription ends', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
    const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: basic.id }],
    })
    expect(await lookupKeys(customer.id)).toEqual([])

    await suite.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: premium.id }],
      proration_behavior: 'none',
    })
    expect(await lookupKeys(customer.id)).toEqual(['premium-pages'])
    await suite.emulator.idle()
    expect(summaries()).toEqual([['premium-pages']])
    const types = suite.receiver.types()
    expect(types.indexOf(SUMMARY)).toBeGreaterThan(types.indexOf('customer.subscription.updated'))

    drain(suite.receiver)
    await suite.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })
    expect(await lookupKeys(customer.id)).toEqual(['premium-pages'])
    await advanceClock(suite.stripe, clock.id, periodOf(sub).end + 60)
    await suite.emulator.idle()
    expect(summaries()).toEqual([[]])
    expect(await lookupKeys(customer.id)).toEqual([])
  })
})
