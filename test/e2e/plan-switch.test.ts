/**
 * Switching plans and canceling from the account page, on every dialect: an upgrade (monthly →
 * yearly) is previewed, charged now with proration and moves the row at once; a downgrade
 * (yearly → monthly) waits for the period end, then continues on the new plan with access all
 * along; canceling asks why and stores the answer; bad switches are refused on a page before
 * Stripe hears of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listInvoicesOfCustomer, listSubscriptionsOfCustomer } from '../../src/modules/billing/repo.js'
import { DIALECTS } from '../dialects.js'
import { createTestApp, type TestApp } from '../harness.js'
import {
  advanceDays,
  changePlan,
  createMember,
  DAY,
  mailTemplates,
  onlySubscription,
  premium,
  settle,
  subscribe,
  writeLifecycleCatalog,
} from '../lifecycle.js'

const catalogPath = writeLifecycleCatalog()
let counter = 0
const email = (label: string): string => `${label}-${++counter}-${Date.now()}@example.com`

describe.each(DIALECTS)('plan switching (%s)', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { catalogPath } })
  }, 60_000)
  afterAll(async () => {
    await t?.close()
  })

  it('monthly → yearly: previewed, charged now with the unused time credited, the plan changes at once', async () => {
    const member = await createMember(t, email('upgrade'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const sub = await onlySubscription(t, member)
    const agent = await member.agent()
    const account = await (await agent.request('/account')).text()
    expect(account).toContain('data-switch-to="basic-yearly"')
    expect(account).toContain('saves $18.00 a year')

    const previewPage = await agent.request(
      `/billing/change?subscription=${sub.stripe_subscription_id}&price=basic-yearly`,
    )
    const preview = await previewPage.text()
    expect(previewPage.status).toBe(200)
    expect(preview).toContain('data-plan-preview="upgrade"')
    const dueNow = /data-due-now="?[^>]*>([^<]+)</.exec(preview)?.[1] ?? ''
    expect(dueNow).toMatch(/^\$8[01]\.\d\d$/)

    const done = await changePlan(agent, sub.stripe_subscription_id, 'basic-yearly')
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe('/account?changed=upgrade')
    // No settle: the route synced, so the plan (and access) follow the change immediately.
    const after = await onlySubscription(t, member)
    expect(after.price_lookup_key).toBe('basic-yearly')
    expect(
      Date.parse(after.current_period_end ?? '') - Date.parse(after.current_period_start ?? ''),
    ).toBeGreaterThan(360 * DAY * 1000)
    const invoices = await listInvoicesOfCustomer(t.deps.db, member.id)
    const update = invoices.find((i) => i.billing_reason === 'subscription_update')
    expect(update?.status).toBe('paid')
    expect(`$${((update?.amount_paid ?? 0) / 100).toFixed(2)}`).toBe(dueNow)
    expect((await premium(t, member)).allowed).toBe(true)
  }, 90_000)

  it('yearly → monthly: scheduled for the period end, then continues on the monthly plan with access throughout', async () => {
    const member = await createMember(t, email('downgrade'))
    await subscribe(member, 'basic-yearly')
    await settle(t)
    const sub = await onlySubscription(t, member)
    const agent = await member.agent()
    const preview = await (
      await agent.request(`/billing/change?subscription=${sub.stripe_subscription_id}&price=basic-monthly`)
    ).text()
    expect(preview).toContain('data-plan-preview="downgrade"')
    expect(preview).toMatch(/data-due-now[^>]*>\$0\.00</)
    expect(preview).toContain(`$9.00 on ${sub.current_period_end?.slice(0, 10)}`)
    const done = await changePlan(agent, sub.stripe_subscription_id, 'basic-monthly')
    expect(done.headers.get('location')).toBe('/account?changed=downgrade')
    const scheduled = await onlySubscription(t, member)
    expect(scheduled.price_lookup_key).toBe('basic-yearly')
    expect(scheduled.scheduled_price_lookup_key).toBe('basic-monthly')
    expect(await (await agent.request('/account')).text()).toContain('data-scheduled-switch')
    await settle(t)
    expect(await mailTemplates(t, member)).not.toContain('subscription-canceled')

    const periodEnd = Date.parse(sub.current_period_end ?? '')
    await advanceDays(t, (periodEnd - t.deps.clock.now().getTime()) / (DAY * 1000) - 1)
    expect((await premium(t, member)).allowed).toBe(true)
    await advanceDays(t, 2)
    const rows = await listSubscriptionsOfCustomer(t.deps.db, member.id)
    const live = rows.filter((r) => r.status === 'active')
    expect(live.map((r) => r.price_lookup_key)).toEqual(['basic-monthly'])
    expect(rows.find((r) => r.stripe_subscription_id === sub.stripe_subscription_id)?.status).toBe('canceled')
    expect((await premium(t, member)).allowed).toBe(true)
    expect(await mailTemplates(t, member)).not.toContain('subscription-canceled')
  }, 120_000)

  it('cancel asks for confirmation and a reason; the reason is stored', async () => {
    const member = await createMember(t, email('cancel'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const sub = await onlySubscription(t, member)
    const agent = await member.agent()
    const page = await agent.request(`/billing/cancel?subscription=${sub.stripe_subscription_id}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('name="reason" value="too_expensive"')
    const missing = await agent.postForm('/billing/cancel', { subscription: sub.stripe_subscription_id })
    expect(missing.status).toBe(422)
    expect((await onlySubscription(t, member)).cancel_at_period_end).toBe(0)
    const done = await agent.postForm('/billing/cancel', {
      subscription: sub.stripe_subscription_id,
      reason: 'too_expensive',
      comment: 'Cheaper elsewhere',
    })
    expect(done.headers.get('location')).toBe('/account?changed=canceled')
    const row = await onlySubscription(t, member)
    expect(row.cancel_at_period_end).toBe(1)
    expect(row.cancellation_feedback).toBe('too_expensive')
    expect(row.cancellation_comment).toBe('Cheaper elsewhere')
    const stripeSub = await t.stripe.subscriptions.retrieve(sub.stripe_subscription_id)
    expect(stripeSub.cancellation_details?.feedback).toBe('too_expensive')
  }, 90_000)

  it('refuses another family, the same plan, an ended subscription and a stranger’s subscription, sending Stripe nothing', async () => {
    const member = await createMember(t, email('refused'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const sub = await onlySubscription(t, member)
    const agent = await member.agent()
    const change = (price: string): Promise<Response> => changePlan(agent, sub.stripe_subscription_id, price)
    for (const [price, words, status] of [
      ['member-monthly', 'another family', 409],
      ['basic-monthly', 'already on this plan', 409],
      ['no-such-price', 'Unknown price', 400],
    ] as const) {
      const res = await change(price)
      expect(res.status).toBe(status)
      const text = await res.text()
      expect(text).toContain('data-plan-refused')
      expect(text).toContain(words)
    }
    const stripeSub = await t.stripe.subscriptions.retrieve(sub.stripe_subscription_id)
    expect(stripeSub.items.data[0]?.price.lookup_key).toBe('basic-monthly')
    expect(stripeSub.cancel_at_period_end).toBe(false)

    const stranger = await (await createMember(t, email('stranger'))).agent()
    const theirs = await changePlan(stranger, sub.stripe_subscription_id, 'basic-yearly')
    expect(theirs.status).toBe(404)

    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
    const ended = await change('basic-yearly')
    expect(ended.status).toBe(409)
    expect(await ended.text()).toContain('cannot change plans now')
  }, 90_000)
})
