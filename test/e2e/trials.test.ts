/**
 * Free trials end to end on every dialect: a trial without a card (Checkout asks for none, the
 * trial-ending email asks for one, the trial runs out into an ended or a paused membership per
 * the plan), and one trial per customer, by email before Checkout and by card after it.
 * @see issue 13 (trials)
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listSubscriptionsOfCustomer } from '../../src/modules/billing/repo.js'
import { findCustomerForEmail } from '../../src/modules/customers/index.js'
import { DIALECTS } from '../dialects.js'
import { createTestApp, type TestApp } from '../harness.js'
import {
  advanceDays,
  createMember,
  LIFECYCLE_CATALOG,
  onlySubscription,
  payOnHostedCheckout,
  settle,
  subscribe,
} from '../lifecycle.js'

const CATALOG = `${LIFECYCLE_CATALOG.replace(
  'prices:\n',
  `  - id: free
    name: Free Start
    features: [premium]
  - id: pausing
    name: Pausing Club
    features: [premium]
prices:
  - { lookupKey: free-monthly, product: free, currency: usd, amount: 500, recurring: { interval: month }, trialDays: 7, trialCard: optional, family: free }
  - { lookupKey: pausing-monthly, product: pausing, currency: usd, amount: 500, recurring: { interval: month }, trialDays: 7, trialCard: optional, trialEndWithoutCard: pause, family: pausing }
`,
)}`

function writeCatalog(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-trials-')), 'catalog.yaml')
  writeFileSync(path, CATALOG)
  return path
}

let counter = 0
const email = (label: string): string => `${label}-${++counter}-${Date.now()}@example.com`

describe.each(DIALECTS)('trials on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { catalogPath: writeCatalog() } })
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  /** A guest starts a plan from /pricing's form; the Checkout URL (or the refusal). */
  async function guestSubscribe(price: string, to: string, fields: Record<string, string> = {}) {
    return t.agent().postForm('/subscribe', { price, email: to, ...fields })
  }

  /** Completes the hosted Checkout with only an email, as a trial without a card allows. */
  async function payWithoutCard(checkoutUrl: string, to: string): Promise<void> {
    const res = await fetch(checkoutUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(checkoutUrl).origin },
      body: new URLSearchParams({ email: to }).toString(),
    })
    expect(res.status, await res.clone().text()).toBe(303)
    await settle(t)
  }

  async function subscriptionOf(to: string) {
    const customer = await findCustomerForEmail(t.deps.db, to)
    const rows = customer ? await listSubscriptionsOfCustomer(t.deps.db, customer.id) : []
    return rows[0]
  }

  it('a trial without a card: no card asked, the ending email asks for one, then the plan ends', async () => {
    expect(await (await t.request('/pricing')).text()).toContain('7-day free trial, no card needed')
    const to = email('cardless')
    const started = await guestSubscribe('free-monthly', to)
    expect(started.status).toBe(303)
    await payWithoutCard(started.headers.get('location') ?? '', to)
    const sub = await subscriptionOf(to)
    expect(sub?.status).toBe('trialing')

    await advanceDays(t, 4.5)
    const ending = (await t.mail(to)).find((m) => m.template === 'subscription-trial-ending')
    expect(ending?.subject).toMatch(/^Add a card to keep Free Start/)
    expect(ending?.text).toContain('Without one, your membership ends with the trial.')
    expect(ending?.text).toContain(`Add a card: ${t.url}/billing/update-card`)

    await advanceDays(t, 3)
    expect((await subscriptionOf(to))?.status).toBe('canceled')
  })

  it('a trial without a card on a pausing plan is paused when it runs out', async () => {
    const to = email('paused')
    const started = await guestSubscribe('pausing-monthly', to)
    await payWithoutCard(started.headers.get('location') ?? '', to)
    await advanceDays(t, 4.5)
    const ending = (await t.mail(to)).find((m) => m.template === 'subscription-trial-ending')
    expect(ending?.text).toContain('your membership is paused when the trial ends')
    await advanceDays(t, 3)
    const paused = await subscriptionOf(to)
    expect(paused?.status).toBe('paused')
    const subscriptionId = paused?.stripe_subscription_id as string

    // The member resumes it from the account page: first a card on the portal's card form…
    const member = await createMember(t, to)
    const agent = await member.agent()
    const account = await (await agent.request('/account')).text()
    expect(account).toContain('the membership is paused')
    expect(account).toContain('action="/billing/resume"')
    expect(account).not.toContain('data-renews')
    const toCard = await agent.postForm('/billing/resume', { subscription: subscriptionId })
    expect(toCard.status).toBe(303)
    const portalUrl = toCard.headers.get('location') ?? ''
    expect(await (await fetch(portalUrl)).text()).toContain('Update your payment method')
    expect((await t.stripe.subscriptions.retrieve(subscriptionId)).status).toBe('paused')
    const saved = await fetch(portalUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(portalUrl).origin },
      body: new URLSearchParams({
        action: 'card',
        cardNumber: '4242424242424242',
        cardExpiry: '12/34',
        cardCvc: '123',
        cardName: 'Pat Paused',
      }).toString(),
    })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('location')).toBe(`${t.url}/account?changed=card-saved`)
    expect(await (await agent.request('/account?changed=card-saved')).text()).toContain(
      'Your card is saved. Press Resume',
    )

    // …then Resume: Stripe resumes it (a new period from now, invoiced and charged in the request)
    // and the row follows at once. Access after resume is not asserted here.
    const resumed = await agent.postForm('/billing/resume', { subscription: subscriptionId })
    expect(resumed.status).toBe(303)
    expect(resumed.headers.get('location')).toBe('/account?changed=resumed')
    const atStripe = await t.stripe.subscriptions.retrieve(subscriptionId, { expand: ['latest_invoice'] })
    expect(atStripe.status).toBe('active')
    expect((atStripe.latest_invoice as Stripe.Invoice).status).toBe('paid')
    expect((await subscriptionOf(to))?.status).toBe('active')
    expect(await (await agent.request('/account?changed=resumed')).text()).toContain(
      'Your membership is active again.',
    )

    // Resuming what is not paused is refused in words, with nothing sent to Stripe.
    const again = await agent.postForm('/billing/resume', { subscription: subscriptionId })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('This membership is not paused, so there is nothing to resume.')
  })

  it('one trial per customer: a known email is refused before Checkout, and may pay from today', async () => {
    const to = email('again')
    const first = await guestSubscribe('free-monthly', to)
    await payWithoutCard(first.headers.get('location') ?? '', to)
    const sub = await subscriptionOf(to)
    await t.stripe.subscriptions.cancel(sub?.stripe_subscription_id as string)
    await settle(t)

    const refused = await guestSubscribe('pausing-monthly', to)
    expect(refused.status).toBe(409)
    const page = await refused.text()
    expect(page).toContain('You have already had a free trial')
    expect(page).toContain('name="trial" value="skip"')
    const sessionsBefore = (await t.stripe.checkout.sessions.list({ limit: 100 })).data.length

    // The buy button (JSON, read by a script on another site) is refused the same way, and names
    // the page in words it sends the buyer to, whose form subscribes without the trial.
    const button = await t.request('/api/checkout-sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ price: 'pausing-monthly', email: to }),
    })
    expect(button.status).toBe(409)
    const { error } = (await button.json()) as { error: { code: string; details?: { next?: string } } }
    expect(error.code).toBe('TRIAL_ALREADY_USED')
    const next = new URL(error.details?.next ?? '')
    expect(`${next.origin}${next.pathname}`).toBe(`${t.url}/subscribe/refused`)
    const explained = await t.request(`${next.pathname}${next.search}`)
    expect(explained.status).toBe(200)
    const words = await explained.text()
    expect(words).toContain('You have already had a free trial')
    expect(words).toContain('name="trial" value="skip"')
    expect(words).toContain(`name="email" value="${to}"`)
    expect(words).toContain('name="price" value="pausing-monthly"')
    expect((await t.request('/subscribe/refused?reason=other&price=x')).status).toBe(422)
    expect((await t.stripe.checkout.sessions.list({ limit: 100 })).data.length).toBe(sessionsBefore)

    const paid = await guestSubscribe('pausing-monthly', to, { trial: 'skip' })
    expect(paid.status).toBe(303)
    expect((await t.stripe.checkout.sessions.list({ limit: 100 })).data.length).toBe(sessionsBefore + 1)
    await payOnHostedCheckout(paid.headers.get('location') ?? '', { email: to })
    await settle(t)
    const customer = await findCustomerForEmail(t.deps.db, to)
    const rows = await listSubscriptionsOfCustomer(t.deps.db, customer?.id as string)
    expect(rows.find((r) => r.price_lookup_key === 'pausing-monthly')?.status).toBe('active')
  })

  it('one trial per card: a new email paying with a card that had a trial pays from today', async () => {
    // A card of its own: the other tests here pay with the default Visa, and one of them keeps it
    // through a trial, which would already count as that card's trial.
    const card = '5555555555554444'
    const first = await createMember(t, email('card-owner'))
    await subscribe(first, 'member-monthly', { card })
    await settle(t)
    expect((await onlySubscription(t, first)).status).toBe('trialing')

    const second = await createMember(t, email('card-again'))
    await subscribe(second, 'member-monthly', { card })
    await settle(t)
    const sub = await onlySubscription(t, second)
    expect(sub.status).toBe('active')
    expect(sub.latest_invoice_status).toBe('paid')

    // Signed in with that card saved, the next trial is refused before Checkout.
    const agent = await second.agent()
    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
    const refused = await agent.postForm('/subscribe', { price: 'free-monthly' })
    expect(refused.status).toBe(409)
  })
})
