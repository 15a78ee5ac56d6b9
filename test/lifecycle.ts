/**
 * Helpers for subscription lifecycle tests: a test catalog with plans, members with fresh
 * sessions, subscribing through our routes and paying on the emulator's hosted Checkout, and
 * moving time. The app's clock follows the emulator's (harness: offsetClock), so advancing the
 * emulator moves both; `advanceDays` then lets the inbox and mail workers settle.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Stripe from 'stripe'
import { expect } from 'vitest'
import { SESSION_COOKIE } from '../src/http/session.js'
import { newId } from '../src/lib/ids.js'
import { generateToken, hashToken } from '../src/lib/tokens.js'
import { listSubscriptionsOfCustomer } from '../src/modules/billing/repo.js'
import type { SubscriptionRow } from '../src/modules/billing/table.js'
import { findOrCreateCustomerByEmail } from '../src/modules/customers/customers.js'
import { insertSession } from '../src/modules/customers/repo.js'
import { type AccessDecision, checkAccess } from '../src/modules/entitlements/access.js'
import { type Agent, createAgent, type TestApp } from './harness.js'

export const CARDS = { visa: '4242424242424242', chargeFails: '4000000000000341' } as const
export const DAY = 86_400

/** Plans for lifecycle tests: a no-trial family (basic) and a trial family (member). */
export const LIFECYCLE_CATALOG = `
features:
  - key: premium
    name: Premium
    pastDueGraceDays: 3
    accessUntilPeriodEnd: true
    trialing: true
products:
  - id: basic
    name: Basic
    features: [premium]
  - id: member
    name: Membership
    features: [premium]
prices:
  - { lookupKey: basic-monthly, product: basic, currency: usd, amount: 900, nickname: Monthly, recurring: { interval: month }, allowPromotionCodes: true, family: basic }
  - { lookupKey: basic-yearly, product: basic, currency: usd, amount: 9000, nickname: Yearly, recurring: { interval: year }, family: basic }
  - { lookupKey: member-monthly, product: member, currency: usd, amount: 800, nickname: Monthly, recurring: { interval: month }, trialDays: 7, family: member }
  - { lookupKey: member-yearly, product: member, currency: usd, amount: 8000, nickname: Yearly, recurring: { interval: year }, trialDays: 14, family: member }
pages:
  - { path: /premium, title: Premium, feature: premium, markdown: "# Premium articles" }
`

export function writeLifecycleCatalog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-lifecycle-'))
  const path = join(dir, 'catalog.yaml')
  writeFileSync(path, LIFECYCLE_CATALOG)
  return path
}

export type Member = { id: string; email: string; agent(): Promise<Agent> }

/** A customer, and browsers signed in with a fresh session (time jumps outlive old sessions). */
export async function createMember(t: TestApp, email: string): Promise<Member> {
  const customer = await findOrCreateCustomerByEmail(t.deps.db, email, t.deps.clock.now())
  return {
    id: customer.id,
    email: customer.email,
    agent: async () => {
      const now = t.deps.clock.now()
      const token = generateToken()
      await insertSession(t.deps.db, {
        id: newId('ses', now.getTime()),
        customer_id: customer.id,
        token_hash: hashToken(token),
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 30 * DAY * 1000).toISOString(),
        proof: 'link',
      })
      const agent = createAgent(t.request, t.url)
      agent.cookies.set(SESSION_COOKIE, token)
      return agent
    },
  }
}

export type Subscribed = { sessionId: string; successPath: string }

/** POST /subscribe, then pay on the hosted Checkout page (optionally with a promotion code). */
export async function subscribe(
  member: Member,
  price: string,
  options: { card?: string; promotionCode?: string } = {},
): Promise<Subscribed> {
  const agent = await member.agent()
  const res = await agent.postForm('/subscribe', { price })
  expect(res.status, await res.clone().text()).toBe(303)
  const url = res.headers.get('location') ?? ''
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(url)?.[1] ?? ''
  expect(sessionId).not.toBe('')
  const successPath = await payOnHostedCheckout(url, {
    email: member.email,
    ...(options.card ? { card: options.card } : {}),
    ...(options.promotionCode ? { promotionCode: options.promotionCode } : {}),
  })
  return { sessionId, successPath }
}

/** Confirms a plan switch from the account page's form (POST /billing/change). */
export async function changePlan(agent: Agent, subscriptionId: string, price: string): Promise<Response> {
  return agent.postForm('/billing/change', { subscription: subscriptionId, price })
}

/** Pays on the emulator's hosted Checkout page as its form would; the path it redirects to. */
export async function payOnHostedCheckout(
  checkoutUrl: string,
  options: { email: string; card?: string; promotionCode?: string },
): Promise<string> {
  const paid = await fetch(checkoutUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(checkoutUrl).origin },
    body: new URLSearchParams({
      email: options.email,
      cardNumber: options.card ?? CARDS.visa,
      cardExpiry: '12 / 34',
      cardCvc: '123',
      cardName: 'Test Member',
      ...(options.promotionCode ? { promotionCode: options.promotionCode } : {}),
    }).toString(),
  })
  const location = paid.headers.get('location')
  if (!location)
    throw new Error(`Checkout did not redirect (${paid.status}): ${(await paid.text()).slice(0, 400)}`)
  const success = new URL(location)
  return `${success.pathname}${success.search}`
}

/**
 * Every webhook delivered and every stored event handled. The harness's background workers may
 * hold an event while `drain` finds nothing due, so wait until the inbox is empty (bounded).
 */
export async function settle(t: TestApp): Promise<void> {
  for (let round = 0; round < 200; round++) {
    await t.emulator.idle()
    await t.drain()
    const pending = await t.deps.db
      .selectFrom('stripe_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('handled_at', 'is', null)
      .executeTakeFirstOrThrow()
    if (Number(pending.n) === 0) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Moves the emulator clock (and with it the app clock), then settles. */
export async function advanceDays(t: TestApp, days: number): Promise<void> {
  await t.emulator.clock.advance(Math.round(days * DAY))
  await settle(t)
}

export async function onlySubscription(t: TestApp, member: Member): Promise<SubscriptionRow> {
  const rows = await listSubscriptionsOfCustomer(t.deps.db, member.id)
  expect(rows).toHaveLength(1)
  return rows[0] as SubscriptionRow
}

export async function premium(t: TestApp, member: Member): Promise<AccessDecision> {
  return checkAccess(t.deps.db, member.id, 'premium', t.deps.clock.now())
}

/** GET /premium through the front door with a fresh session: the HTTP status. */
export async function premiumStatus(member: Member): Promise<number> {
  return (await (await member.agent()).request('/premium')).status
}

export async function mailTemplates(t: TestApp, member: Member): Promise<string[]> {
  return (await t.mail(member.email)).map((m) => m.template).reverse()
}

/** Replaces the subscription's card by one whose charges fail (4000 0000 0000 0341). */
export async function makeCardFail(stripe: Stripe, subscriptionId: string): Promise<void> {
  const sub = await stripe.subscriptions.retrieve(subscriptionId)
  const customer = typeof sub.customer === 'string' ? sub.customer : sub.customer.id
  const pm = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer })
  await stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } })
  await stripe.subscriptions.update(subscriptionId, { default_payment_method: pm.id })
}
