/**
 * `POST /api/v1/checkout-sessions` for a catalog plan behaves as the catalog and the public
 * subscribe path say: its trial and promotion codes, one plan per family per customer (by id or
 * by email; a second one would bill twice), and one trial per customer, with `skip_trial` to
 * subscribe paying from today.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { payHostedCheckout, settle } from '../../../test/purchase.js'
import { createApiKey } from '../api-access/index.js'
import { findCustomerForEmail } from '../customers/index.js'

type Answer = { id: string; url: string; error?: { code: string; details?: { field?: string } } }

describe.each(DIALECTS)('catalog plans through /api/v1/checkout-sessions on %s', (dialect) => {
  let t: TestApp
  let key: string
  const post = async (body: unknown): Promise<{ status: number; body: Answer }> => {
    const res = await t.request('/api/v1/checkout-sessions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Answer }
  }
  const sessionCount = async (): Promise<number> =>
    (await t.stripe.checkout.sessions.list({ limit: 100 })).data.length
  const liveSubscriptions = async (email: string) => {
    const customer = await findCustomerForEmail(t.deps.db, email)
    if (!customer) return []
    return t.deps.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .where('status', 'in', ['trialing', 'active'])
      .execute()
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect })
    key = (
      await createApiKey(t.deps.db, { name: 'saas', now: t.deps.clock.now(), scopes: ['checkout:write'] })
    ).key
  }, 120_000)
  afterAll(() => t?.close())

  it('sells the plan with its trial and promotion codes, then refuses a second plan of the family (409)', async () => {
    const email = 'member@example.com'
    const first = await post({ price: 'membership-monthly', customer_email: email })
    expect(first.status).toBe(201)
    const session = await t.stripe.checkout.sessions.retrieve(first.body.id)
    expect(session.allow_promotion_codes).toBe(true)
    expect((await payHostedCheckout(first.body.url, { email })).status).toBe(303)
    await settle(t)
    const [sub] = await liveSubscriptions(email)
    expect(sub?.status).toBe('trialing')

    const before = await sessionCount()
    const customer = await findCustomerForEmail(t.deps.db, email)
    for (const body of [
      { price: 'membership-monthly', customer_email: email },
      { price: 'membership-yearly', customer_email: 'Member@Example.com' },
      { price: 'membership-yearly', customer_id: customer?.id },
    ]) {
      const again = await post(body)
      expect([again.status, again.body.error?.code, again.body.error?.details?.field]).toEqual([
        409,
        'ALREADY_SUBSCRIBED',
        'price',
      ])
    }
    expect(await sessionCount()).toBe(before)
    expect(await liveSubscriptions(email)).toHaveLength(1)
  })

  it('gives one trial per customer: a returning customer is refused (409) unless skip_trial', async () => {
    const email = 'returning@example.com'
    const first = await post({ price: 'membership-yearly', customer_email: email })
    await payHostedCheckout(first.body.url, { email })
    await settle(t)
    const [sub] = await liveSubscriptions(email)
    await t.stripe.subscriptions.cancel(sub?.stripe_subscription_id as string)
    await settle(t)
    expect(await liveSubscriptions(email)).toHaveLength(0)

    const before = await sessionCount()
    const again = await post({ price: 'membership-monthly', customer_email: email })
    expect([again.status, again.body.error?.code]).toEqual([409, 'TRIAL_ALREADY_USED'])
    expect(await sessionCount()).toBe(before)

    const paying = await post({ price: 'membership-monthly', customer_email: email, skip_trial: true })
    expect(paying.status).toBe(201)
    await payHostedCheckout(paying.body.url, { email })
    await settle(t)
    expect((await liveSubscriptions(email)).map((s) => s.status)).toEqual(['active'])
  })

  it('refuses skip_trial on an ad-hoc line and more than one of a plan, naming the field', async () => {
    const adhoc = await post({ amount: 1000, currency: 'usd', product_name: 'Thing', skip_trial: true })
    expect([adhoc.status, adhoc.body.error?.details?.field]).toEqual([400, 'skip_trial'])
    const seats = await post({ price: 'membership-monthly', quantity: 2 })
    expect([seats.status, seats.body.error?.details?.field]).toEqual([400, 'quantity'])
  })
})
