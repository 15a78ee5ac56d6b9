/**
 * The owner's operations end to end, through the console's forms, the real SDK and the emulator:
 * find a customer, refund an order in part (the order changes when Stripe's event arrives), change
 * a plan and cancel a subscription, and watch MRR follow. Bad input answers clearly and sends
 * nothing to Stripe.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { advanceDays, createMember, type Member, settle, subscribe } from '../../../test/lifecycle.js'
import { buyAndPay } from '../../../test/purchase.js'
import { findSubscriptionByStripeId, listSubscriptionsOfCustomer } from '../billing/index.js'
import { findOrderById, listOrdersOfCustomer } from '../orders/index.js'
import { buildMetricsReport, lastBucketNet } from './metrics.js'
import { parseRange } from './range.js'
import { listAuditEntries } from './repo.js'

const ADMIN = 'owner@example.com'

const CATALOG = `
features:
  - { key: premium, name: Premium, accessUntilPeriodEnd: true }
  - { key: guide, name: Guide }
products:
  - { id: guide, name: Guide, access: forever, features: [guide] }
  - { id: basic, name: Basic, features: [premium] }
  - { id: member, name: Membership, features: [premium] }
prices:
  - { lookupKey: guide, product: guide, currency: usd, amount: 1900 }
  - { lookupKey: basic-monthly, product: basic, currency: usd, amount: 900, recurring: { interval: month }, family: basic }
  - { lookupKey: basic-yearly, product: basic, currency: usd, amount: 9000, recurring: { interval: year }, family: basic }
  - { lookupKey: member-monthly, product: member, currency: usd, amount: 800, recurring: { interval: month }, family: member }
`

function writeCatalog(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-admin-')), 'catalog.yaml')
  writeFileSync(path, CATALOG)
  return path
}

describe.each(DIALECTS)('owner operations on %s', (dialect) => {
  let t: TestApp
  let admin: Member
  let buyer: Member

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { catalogPath: writeCatalog(), adminEmails: [ADMIN] } })
    admin = await createMember(t, ADMIN)
    buyer = await createMember(t, 'buyer@example.com')
  })
  afterAll(async () => {
    await t?.close()
  })

  async function mrr(): Promise<Record<string, number>> {
    return (await buildMetricsReport(t.deps.db, parseRange({}, t.deps.clock.now()))).mrr
  }

  it('finds the customer and refunds part of an order, refusing more than remains', async () => {
    await buyAndPay(t.agent(), { price: 'guide', email: buyer.email })
    await settle(t)
    const console = await admin.agent()
    const search = await console.request('/admin/customers?q=buyer')
    expect(await search.text()).toContain(`/admin/customers/${buyer.id}`)
    const [order] = await listOrdersOfCustomer(t.deps.db, buyer.id)
    if (!order?.stripe_payment_intent_id) throw new Error('no order')

    const tooMuch = await console.postForm(`/admin/orders/${order.id}/refund`, {
      amount: '19.01',
      reason: 'x',
    })
    expect(tooMuch.status).toBe(409)
    expect(await tooMuch.text()).toContain('REFUND_EXCEEDS_REMAINING')
    const noReason = await console.postForm(`/admin/orders/${order.id}/refund`, {
      amount: '1.00',
      reason: '',
    })
    expect(noReason.status).toBe(422)
    expect(
      (await t.stripe.refunds.list({ payment_intent: order.stripe_payment_intent_id })).data,
    ).toHaveLength(0)

    // The form carries a token made when its page was rendered: submitting that form again is the
    // same refund at Stripe, whether or not the first refund's event has landed in between.
    const page = await (await console.request(`/admin/orders/${order.id}`)).text()
    const submission = /name="submission" value="(rfq_[0-9a-z]{26})"/.exec(page)?.[1]
    if (!submission) throw new Error('the refund form has no token')
    const form = { amount: '5.00', reason: 'late delivery', submission }
    const done = await console.postForm(`/admin/orders/${order.id}/refund`, form)
    expect(done.status).toBe(303)
    await settle(t)
    expect(await findOrderById(t.deps.db, order.id)).toMatchObject({ amount_refunded: 500 })
    const again = await console.postForm(`/admin/orders/${order.id}/refund`, form)
    expect(again.status).toBe(303)
    // The same form with another reason: Stripe refuses the reused idempotency key, and the owner
    // reads Stripe's words, not a 500.
    const changed = await console.postForm(`/admin/orders/${order.id}/refund`, {
      ...form,
      reason: 'changed my mind',
    })
    expect(changed.status).toBe(409)
    expect(await changed.text()).toContain('STRIPE_REFUSED')
    const forged = await console.postForm(`/admin/orders/${order.id}/refund`, {
      ...form,
      submission: 'not-a-token',
    })
    expect(forged.status).toBe(422)
    await settle(t)
    expect(
      (await t.stripe.refunds.list({ payment_intent: order.stripe_payment_intent_id })).data,
    ).toHaveLength(1)
    expect(await findOrderById(t.deps.db, order.id)).toMatchObject({
      amount_refunded: 500,
      status: 'partially_refunded',
    })
    // Newest first: the resubmission is audited too, naming the same refund as the first submit.
    const [resubmitted, entry] = await listAuditEntries(t.deps.db, {
      customerId: buyer.id,
      limit: 5,
      offset: 0,
    })
    expect(entry).toMatchObject({ actor_email: ADMIN, action: 'order.refund', reason: 'late delivery' })
    expect(JSON.parse(entry?.before_json ?? '{}')).toEqual({ status: 'paid', amount_refunded: 0 })
    expect(resubmitted?.action).toBe('order.refund')
    expect(JSON.parse(resubmitted?.after_json ?? '{}').refund).toBe(
      JSON.parse(entry?.after_json ?? '{}').refund,
    )
    const report = await buildMetricsReport(t.deps.db, parseRange({}, t.deps.clock.now()))
    expect(report.revenue).toEqual({ gross: { usd: 1900 }, refunds: { usd: 500 }, net: { usd: 1400 } })
    // The dashboard's "today" is the 30-day report's last day: the sale and its refund were today.
    expect(lastBucketNet(report)).toEqual({ usd: 1400 })
    const dashboard = await (await console.request('/admin')).text()
    expect(dashboard).toContain('data-metric="revenue_today"><span>$14.00</span>')
  }, 120_000)

  it('changes a plan within its family, cancels, and MRR follows', async () => {
    const member = await createMember(t, 'member@example.com')
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const [sub] = await listSubscriptionsOfCustomer(t.deps.db, member.id)
    if (!sub) throw new Error('no subscription')
    expect(await mrr()).toEqual({ usd: 900 })
    const console = await admin.agent()
    const path = `/admin/subscriptions/${sub.stripe_subscription_id}`

    const otherFamily = await console.postForm(`${path}/change`, {
      action: 'change-plan',
      price: 'member-monthly',
    })
    expect(otherFamily.status).toBe(409)
    expect(await otherFamily.text()).toContain('PLAN_NOT_IN_FAMILY')
    const notCanceling = await console.postForm(`${path}/change`, { action: 'resume' })
    expect(notCanceling.status).toBe(409)
    const atStripe = await t.stripe.subscriptions.retrieve(sub.stripe_subscription_id)
    expect(atStripe.items.data[0]?.price.lookup_key).toBe('basic-monthly')

    const preview = await console.request(`${path}/preview?price=basic-yearly`)
    expect(preview.status).toBe(200)
    expect(await preview.text()).toContain('Confirm plan change')
    expect(
      (await console.postForm(`${path}/change`, { action: 'change-plan', price: 'basic-yearly' })).status,
    ).toBe(303)
    await settle(t)
    expect(await findSubscriptionByStripeId(t.deps.db, sub.stripe_subscription_id)).toMatchObject({
      price_lookup_key: 'basic-yearly',
    })
    expect(await mrr()).toEqual({ usd: 750 })

    expect((await console.postForm(`${path}/change`, { action: 'cancel' })).status).toBe(303)
    expect(
      (await findSubscriptionByStripeId(t.deps.db, sub.stripe_subscription_id))?.cancel_at_period_end,
    ).toBe(1)
    expect((await console.postForm(`${path}/change`, { action: 'resume' })).status).toBe(303)
    expect((await console.postForm(`${path}/change`, { action: 'cancel-now' })).status).toBe(303)
    await settle(t)
    expect((await findSubscriptionByStripeId(t.deps.db, sub.stripe_subscription_id))?.status).toBe('canceled')
    const again = await console.postForm(`${path}/change`, { action: 'cancel-now' })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('SUBSCRIPTION_ENDED')
    expect(await mrr()).toEqual({})

    await advanceDays(t, 1)
    const report = await buildMetricsReport(t.deps.db, parseRange({}, t.deps.clock.now()))
    expect(report.movements).toMatchObject({
      new: { usd: 900 },
      contraction: { usd: 150 },
      churned: { usd: 750 },
    })
    const actions = (await listAuditEntries(t.deps.db, { customerId: member.id, limit: 10, offset: 0 })).map(
      (e) => e.action,
    )
    expect(actions).toEqual([
      'subscription.cancel-now',
      'subscription.resume',
      'subscription.cancel',
      'subscription.change-plan',
    ])
  }, 120_000)
})
