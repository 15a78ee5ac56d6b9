/**
 * Subscription lifecycles end to end, on SQLite and PostgreSQL: our routes, the real SDK, the
 * emulator's hosted Checkout, signed webhooks into the inbox, and time moved by the emulator's
 * clock (which the app's clock follows).
 *
 * Given a member, When they subscribe and time passes, Then the local subscription row, the grants
 * and the emails follow Stripe's state, whatever order or number of webhook deliveries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listInvoicesOfCustomer } from '../../src/modules/billing/repo.js'
import { DIALECTS } from '../dialects.js'
import { createTestApp, type TestApp } from '../harness.js'
import {
  advanceDays,
  CARDS,
  createMember,
  DAY,
  type Member,
  mailTemplates,
  makeCardFail,
  onlySubscription,
  premium,
  premiumStatus,
  settle,
  subscribe,
  writeLifecycleCatalog,
} from '../lifecycle.js'

const catalogPath = writeLifecycleCatalog()
let counter = 0
const email = (label: string): string => `${label}-${++counter}-${Date.now()}@example.com`

/** Moves time to just past an ISO instant (plus `hours`), then settles. */
async function advancePast(t: TestApp, iso: string | null, hours = 2): Promise<void> {
  if (!iso) throw new Error('no date to advance past')
  const target = Math.floor(Date.parse(iso) / 1000) + hours * 3600
  const seconds = target - t.emulator.clock.now()
  if (seconds > 0) await advanceDays(t, seconds / DAY)
}

type DunningOutcome = {
  statuses: string[]
  invoices: string[]
  mails: Record<string, number>
  finalAccess: boolean
}

/** Subscribe monthly → renews → card fails → past_due with grace → retries exhausted → canceled. */
async function runDunning(t: TestApp, member: Member): Promise<DunningOutcome> {
  const statuses: string[] = []
  await subscribe(member, 'basic-monthly')
  await settle(t)
  let sub = await onlySubscription(t, member)
  statuses.push(sub.status)
  expect(sub.status).toBe('active')
  expect((await premium(t, member)).allowed).toBe(true)
  const firstPeriodEnd = sub.current_period_end

  await advancePast(t, sub.current_period_end)
  sub = await onlySubscription(t, member)
  statuses.push(sub.status)
  expect(sub.status).toBe('active')
  expect(sub.current_period_end && firstPeriodEnd && sub.current_period_end > firstPeriodEnd).toBe(true)

  await makeCardFail(t.stripe, sub.stripe_subscription_id)
  await advancePast(t, sub.current_period_end)
  sub = await onlySubscription(t, member)
  statuses.push(sub.status)
  expect(sub.status).toBe('past_due')
  const grace = await premium(t, member)
  expect(grace.allowed).toBe(true)
  expect(grace.until && grace.until.getTime() - t.deps.clock.now().getTime()).toBeLessThanOrEqual(
    3 * DAY * 1000,
  )
  const account = await (await member.agent()).request('/account')
  expect(await account.text()).toContain('data-payment-failed')

  await advanceDays(t, 3.2)
  expect((await premium(t, member)).allowed).toBe(false)

  for (let i = 0; i < 12 && (await onlySubscription(t, member)).status !== 'canceled'; i++)
    await advanceDays(t, 5)
  sub = await onlySubscription(t, member)
  statuses.push(sub.status)
  const invoices = (await listInvoicesOfCustomer(t.deps.db, member.id)).map((i) => i.status).sort()
  const mails: Record<string, number> = {}
  for (const template of await mailTemplates(t, member)) mails[template] = (mails[template] ?? 0) + 1
  return { statuses, invoices, mails, finalAccess: (await premium(t, member)).allowed }
}

describe.each(DIALECTS)('subscription lifecycle on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { catalogPath } })
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  it('a member whose renewal failed updates the card from the banner, and the next retry pays', async () => {
    const member = await createMember(t, email('recovers'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    let sub = await onlySubscription(t, member)
    await makeCardFail(t.stripe, sub.stripe_subscription_id)
    await advancePast(t, sub.current_period_end)
    sub = await onlySubscription(t, member)
    expect(sub.status).toBe('past_due')

    const browser = await member.agent()
    const portal = await browser.postForm('/billing/portal', { flow: 'payment_method_update' })
    expect(portal.status).toBe(303)
    const portalUrl = portal.headers.get('location') ?? ''
    const page = await (await fetch(portalUrl)).text()
    expect(page).toContain('Update your payment method')
    expect(page).not.toContain('data-subscription=')
    const updated = await fetch(portalUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        action: 'card',
        cardNumber: CARDS.visa,
        cardExpiry: '12 / 34',
        cardCvc: '123',
        cardName: 'Re Covered',
      }).toString(),
    })
    expect(updated.status).toBe(303)
    expect(updated.headers.get('location')).toBe(`${t.url}/account`)
    expect((await browser.postForm('/billing/portal', { flow: 'bogus' })).status).toBe(422)

    // The first dunning retry (3 days after the failure) charges the new card.
    await advanceDays(t, 3.2)
    sub = await onlySubscription(t, member)
    expect(sub.status).toBe('active')
    expect((await premium(t, member)).allowed).toBe(true)
    expect(await (await browser.request('/account')).text()).not.toContain('data-payment-failed')
  })

  it('shows the plan active on the success page before any webhook arrived', async () => {
    const member = await createMember(t, email('early'))
    t.emulator.faults.set({ drop: true })
    const { successPath } = await subscribe(member, 'basic-monthly')
    const page = await (await member.agent()).request(successPath)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('data-subscribed="active"')
    expect((await premium(t, member)).allowed).toBe(true)
    t.emulator.faults.clear()
    await settle(t)
    const sub = await onlySubscription(t, member)
    expect(sub.status).toBe('active')
    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
  })

  it('renews, fails, keeps access through the grace days, cancels after the last retry', async () => {
    const member = await createMember(t, email('dunning'))
    const outcome = await runDunning(t, member)
    expect(outcome.statuses).toEqual(['active', 'active', 'past_due', 'canceled'])
    expect(outcome.finalAccess).toBe(false)
    expect(await premiumStatus(member)).toBe(403)
    expect(outcome.mails['subscription-welcome']).toBe(1)
    expect(outcome.mails['subscription-receipt']).toBe(2)
    expect(outcome.mails['subscription-payment-failed']).toBeGreaterThanOrEqual(1)
    expect(outcome.mails['subscription-canceled']).toBe(1)
  }, 240_000)

  it('ends in the same state when deliveries are duplicated and shuffled', async () => {
    const plain = await runDunning(t, await createMember(t, email('plain')))
    t.emulator.faults.set({ duplicate: true, shuffle: true })
    try {
      const faulty = await runDunning(t, await createMember(t, email('faulty')))
      expect(faulty.statuses).toEqual(plain.statuses)
      expect(faulty.invoices).toEqual(plain.invoices)
      expect(faulty.finalAccess).toBe(false)
      expect(faulty.mails['subscription-receipt']).toBe(plain.mails['subscription-receipt'])
      expect(faulty.mails['subscription-canceled']).toBe(1)
      expect(faulty.mails['subscription-welcome']).toBe(1)
    } finally {
      t.emulator.faults.clear()
    }
  }, 480_000)

  it('trial → trial_will_end email → active', async () => {
    const member = await createMember(t, email('trial'))
    await subscribe(member, 'member-monthly')
    await settle(t)
    let sub = await onlySubscription(t, member)
    expect(sub.status).toBe('trialing')
    const access = await premium(t, member)
    expect(access.allowed).toBe(true)
    expect(access.until?.toISOString()).toBe(sub.trial_end)
    const me = await (await member.agent()).request('/api/me/entitlements')
    expect(((await me.json()) as { entitlements: { via: string }[] }).entitlements[0]?.via).toBe('trial')
    const account = await (await member.agent()).request('/account')
    expect(await account.text()).toContain(`Trial ends ${sub.trial_end?.slice(0, 10)}, then $8.00`)

    await advanceDays(t, 4.5)
    expect(await mailTemplates(t, member)).toContain('subscription-trial-ending')
    expect((await onlySubscription(t, member)).status).toBe('trialing')

    await advancePast(t, sub.trial_end)
    sub = await onlySubscription(t, member)
    expect(sub.status).toBe('active')
    expect((await premium(t, member)).allowed).toBe(true)
    expect(await mailTemplates(t, member)).toContain('subscription-receipt')
    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
  }, 240_000)

  it('cancel at period end keeps access until the end, then not', async () => {
    const member = await createMember(t, email('cancel'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    let sub = await onlySubscription(t, member)
    await t.stripe.subscriptions.update(sub.stripe_subscription_id, { cancel_at_period_end: true })
    await settle(t)
    sub = await onlySubscription(t, member)
    expect(sub.status).toBe('active')
    expect(sub.cancel_at_period_end === 1 || sub.cancel_at !== null).toBe(true)
    expect(await premiumStatus(member)).toBe(200)
    expect(await (await (await member.agent()).request('/account')).text()).toContain('data-ends')
    expect(await mailTemplates(t, member)).toContain('subscription-canceled')

    await advanceDays(t, 20)
    expect(await premiumStatus(member)).toBe(200)
    await advancePast(t, sub.current_period_end)
    expect((await onlySubscription(t, member)).status).toBe('canceled')
    expect(await premiumStatus(member)).toBe(403)
    expect((await mailTemplates(t, member)).filter((m) => m === 'subscription-canceled')).toHaveLength(1)
  }, 240_000)

  it('switches monthly → yearly (through Stripe, as the portal does) and refuses a second plan', async () => {
    const member = await createMember(t, email('switch'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    let sub = await onlySubscription(t, member)
    const refused = await (await member.agent()).postForm('/subscribe', { price: 'basic-yearly' })
    expect(refused.status).toBe(409)

    const stripeSub = await t.stripe.subscriptions.retrieve(sub.stripe_subscription_id)
    const yearly = await t.stripe.prices.list({ lookup_keys: ['basic-yearly'], limit: 1 })
    await t.stripe.subscriptions.update(sub.stripe_subscription_id, {
      items: [{ id: stripeSub.items.data[0]?.id as string, price: yearly.data[0]?.id as string }],
    })
    await settle(t)
    sub = await onlySubscription(t, member)
    expect(sub.price_lookup_key).toBe('basic-yearly')
    const access = await premium(t, member)
    expect(access.allowed).toBe(true)
    expect((access.until?.getTime() ?? 0) - t.deps.clock.now().getTime()).toBeGreaterThan(300 * DAY * 1000)
    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
  }, 240_000)

  it('two tabs get one Checkout; switching plan in the family expires the other first', async () => {
    const member = await createMember(t, email('tabs'))
    const agent = await member.agent()
    const first = (await agent.postForm('/subscribe', { price: 'basic-monthly' })).headers.get('location')
    const second = (await agent.postForm('/subscribe', { price: 'basic-monthly' })).headers.get('location')
    expect(first).toBeTruthy()
    expect(second).toBe(first)
    const yearly = (await agent.postForm('/subscribe', { price: 'basic-yearly' })).headers.get('location')
    expect(yearly).not.toBe(first)
    const firstId = /\/(cs_[A-Za-z0-9_]+)/.exec(first ?? '')?.[1] ?? ''
    expect((await t.stripe.checkout.sessions.retrieve(firstId)).status).toBe('expired')
    const session = await t.stripe.checkout.sessions.retrieve(
      /\/(cs_[A-Za-z0-9_]+)/.exec(yearly ?? '')?.[1] ?? '',
    )
    expect(session).toMatchObject({ mode: 'subscription', client_reference_id: member.id })
    expect(session.customer).toBeTruthy()
  })

  it('a promotion code discounts the first invoice only', async () => {
    const member = await createMember(t, email('promo'))
    const coupon = await t.stripe.coupons.create({ percent_off: 50, duration: 'once' })
    const code = `HALF${counter}${Date.now() % 100000}`
    await t.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code })
    await subscribe(member, 'basic-monthly', { promotionCode: code })
    await settle(t)
    let sub = await onlySubscription(t, member)
    let invoices = await listInvoicesOfCustomer(t.deps.db, member.id)
    expect(invoices.map((i) => i.amount_paid)).toEqual([450])
    // The account page says what the renewal charges: the full price, as the coupon was for once.
    const account = await (await (await member.agent()).request('/account')).text()
    expect(account).toContain(`Renews ${sub.current_period_end?.slice(0, 10)} for $9.00`)
    await advancePast(t, sub.current_period_end)
    invoices = await listInvoicesOfCustomer(t.deps.db, member.id)
    expect(invoices.map((i) => i.amount_paid).sort((a, b) => a - b)).toEqual([450, 900])
    sub = await onlySubscription(t, member)
    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
  }, 240_000)

  it('a recurring discount: the account page names the discounted renewal, which is what is charged', async () => {
    const member = await createMember(t, email('forever'))
    const coupon = await t.stripe.coupons.create({ percent_off: 25, duration: 'forever' })
    const code = `QUARTER${counter}${Date.now() % 100000}`
    await t.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code })
    await subscribe(member, 'basic-monthly', { promotionCode: code })
    await settle(t)
    const sub = await onlySubscription(t, member)
    const account = await (await (await member.agent()).request('/account')).text()
    expect(account).toContain(`Renews ${sub.current_period_end?.slice(0, 10)} for $6.75`)
    await advancePast(t, sub.current_period_end)
    const invoices = await listInvoicesOfCustomer(t.deps.db, member.id)
    expect(invoices.map((i) => i.amount_paid).sort((a, b) => a - b)).toEqual([675, 675])
    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
  }, 240_000)

  it('a yearly member is reminded a week before the renewal; a monthly one is not', async () => {
    const yearly = await createMember(t, email('yearly-reminder'))
    const monthly = await createMember(t, email('monthly-no-reminder'))
    await subscribe(yearly, 'basic-yearly')
    await subscribe(monthly, 'basic-monthly')
    await settle(t)
    const sub = await onlySubscription(t, yearly)
    const renewal = Date.parse(sub.current_period_end ?? '')
    // Six days before the renewal: the emulator sent invoice.upcoming a day ago.
    await advanceDays(t, (renewal - t.deps.clock.now().getTime()) / (DAY * 1000) - 6)
    const reminders = (await t.mail(yearly.email)).filter(
      (m) => m.template === 'subscription-renewal-reminder',
    )
    expect(reminders).toHaveLength(1)
    expect(reminders[0]?.subject).toBe(
      `Your Basic (Yearly) membership renews on ${new Date(renewal).toISOString().slice(0, 10)}`,
    )
    expect(reminders[0]?.text).toContain('$90.00')
    expect(await mailTemplates(t, monthly)).not.toContain('subscription-renewal-reminder')
    // A year of emulator time renews every subscription this file made, monthly ones twelve times.
  }, 120_000)

  it('answers access from local state only: the emulator stopped, pages still answer', async () => {
    const member = await createMember(t, email('offline'))
    const other = await createMember(t, email('nonmember'))
    await subscribe(member, 'basic-yearly', { card: CARDS.visa })
    await settle(t)
    const agent = await member.agent()
    const outsider = await other.agent()
    await t.emulator.stop()
    expect((await agent.request('/premium')).status).toBe(200)
    const me = await agent.request('/api/me/entitlements')
    expect(me.status).toBe(200)
    expect(((await me.json()) as { entitlements: { allowed: boolean }[] }).entitlements[0]?.allowed).toBe(
      true,
    )
    expect((await agent.request('/account')).status).toBe(200)
    expect((await outsider.request('/premium')).status).toBe(403)
  }, 120_000)
})
