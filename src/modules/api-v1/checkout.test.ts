/**
 * `POST /api/v1/checkout-sessions` through the whole stack: a scoped key, the real SDK against the
 * emulator, the hosted Checkout page with a required billing address, the webhook inbox and the
 * order it fulfils; bad input refused by field with nothing sent to Stripe; Idempotency-Key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { payHostedCheckout, settle } from '../../../test/purchase.js'
import { createApiKey } from '../api-access/index.js'

const ADDRESS = {
  addressLine1: '1 Main St',
  addressCity: 'Springfield',
  addressPostalCode: '12345',
  addressCountry: 'US',
}

describe.each(DIALECTS)('POST /api/v1/checkout-sessions on %s', (dialect) => {
  let t: TestApp
  let key: string
  let narrowKey: string
  const post = (body: unknown, headers: Record<string, string> = {}, k = key): Promise<Response> =>
    t.request('/api/v1/checkout-sessions', {
      method: 'POST',
      headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const sessionCount = async (): Promise<number> =>
    (await t.stripe.checkout.sessions.list({ limit: 100 })).data.length

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { apiRedirectOrigins: ['https://app.example.com'] } })
    const now = t.deps.clock.now()
    key = (await createApiKey(t.deps.db, { name: 'saas', now, scopes: ['checkout:write'] })).key
    narrowKey = (await createApiKey(t.deps.db, { name: 'reader', now, scopes: ['orders:read'] })).key
  }, 120_000)
  afterAll(() => t?.close())

  it('starts an ad-hoc one-time checkout; the paid order holds amount, currency, address, metadata and grants', async () => {
    const res = await post({
      amount: 4200,
      currency: 'eur',
      product_name: 'Consulting hour',
      customer_email: 'adhoc@example.com',
      billing_address_collection: 'required',
      success_url: 'https://app.example.com/paid',
      metadata: { account: 'acct-7' },
      grants: [{ feature: 'premium', duration_days: 30 }],
    })
    expect(res.status).toBe(201)
    const started = (await res.json()) as { id: string; url: string; expires_at: string; mode: string }
    expect(started).toMatchObject({ id: expect.stringMatching(/^cs_/), mode: 'payment' })
    expect(Date.parse(started.expires_at)).toBeGreaterThan(t.deps.clock.now().getTime())
    const session = await t.stripe.checkout.sessions.retrieve(started.id)
    expect(session).toMatchObject({
      amount_total: 4200,
      currency: 'eur',
      billing_address_collection: 'required',
    })
    expect(
      (await payHostedCheckout(started.url, { email: 'adhoc@example.com', fields: ADDRESS })).status,
    ).toBe(303)
    await settle(t)
    const order = await t.deps.db
      .selectFrom('orders')
      .selectAll()
      .where('stripe_checkout_session_id', '=', started.id)
      .executeTakeFirstOrThrow()
    expect(order).toMatchObject({
      amount: 4200,
      currency: 'eur',
      product_name: 'Consulting hour',
      status: 'paid',
    })
    expect(JSON.parse(order.billing_address ?? 'null')).toMatchObject({ line1: '1 Main St', country: 'US' })
    expect(JSON.parse(order.metadata ?? 'null')).toEqual({ account: 'acct-7' })
    const grants = await t.deps.db
      .selectFrom('entitlement_grants')
      .selectAll()
      .where('source_id', '=', order.id)
      .execute()
    expect(grants.map((g) => g.feature)).toEqual(['premium'])
    expect(Date.parse(grants[0]?.ends_at ?? '') - Date.parse(grants[0]?.starts_at ?? '')).toBe(
      30 * 86_400_000,
    )
    // The buyer's email says what the grants gave: premium for 30 days, not "access forever".
    const mail = (await t.mail('adhoc@example.com')).find((m) => m.template === 'purchase-confirmation')
    expect(mail?.text).toContain(
      `Thank you for buying Consulting hour. You have access until ${grants[0]?.ends_at?.slice(0, 10)}.`,
    )
    const reader = (
      await createApiKey(t.deps.db, { name: 'r', now: t.deps.clock.now(), scopes: ['orders:read'] })
    ).key
    const read = await t.request(`/api/v1/orders/${order.id}`, {
      headers: { authorization: `Bearer ${reader}` },
    })
    expect(read.status).toBe(200)
    expect(await read.json()).toMatchObject({
      id: order.id,
      object: 'order',
      amount: 4200,
      currency: 'eur',
      price: null,
      product_name: 'Consulting hour',
      billing_address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
      metadata: { account: 'acct-7' },
    })
  })

  it('charges zero-decimal currencies in whole units and starts a monthly subscription for a recurring line', async () => {
    const yen = await post({ amount: 500, currency: 'jpy', product_name: 'Sticker pack' })
    expect(yen.status).toBe(201)
    const yenSession = await t.stripe.checkout.sessions.retrieve(((await yen.json()) as { id: string }).id)
    expect(yenSession).toMatchObject({ amount_total: 500, currency: 'jpy' })
    const monthly = await post({
      amount: 1500,
      currency: 'usd',
      product_name: 'Team plan',
      recurring: { interval: 'month' },
      customer_email: 'team@example.com',
      billing_address_collection: 'required',
    })
    expect(monthly.status).toBe(201)
    const started = (await monthly.json()) as { id: string; url: string; mode: string }
    expect(started.mode).toBe('subscription')
    expect(
      (await payHostedCheckout(started.url, { email: 'team@example.com', fields: ADDRESS })).status,
    ).toBe(303)
    await settle(t)
    const paid = await t.stripe.checkout.sessions.retrieve(started.id)
    const row = await t.deps.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('stripe_subscription_id', '=', String(paid.subscription))
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('active')
    expect(paid.customer_details?.address?.postal_code).toBe('12345')
  })

  it('refuses bad input by field with 400 and sends nothing to Stripe', async () => {
    const before = await sessionCount()
    const line = { amount: 1000, currency: 'usd', product_name: 'Thing' }
    const cases: [unknown, string][] = [
      [{ ...line, colour: 'red' }, 'colour'],
      [{ ...line, amount: -5 }, 'amount'],
      [{ ...line, amount: 10.5 }, 'amount'],
      [{ ...line, amount: 49 }, 'amount'],
      [{ ...line, currency: 'xyz' }, 'currency'],
      [{ ...line, currency: 'USD' }, 'currency'],
      [{ ...line, recurring: { interval: 'month', interval_count: 37 } }, 'recurring'],
      [{ ...line, recurring: { interval: 'fortnight' } }, 'recurring.interval'],
      [{ ...line, success_url: 'https://evil.example.net/x' }, 'success_url'],
      [{ ...line, metadata: { tollgate_price: 'x' } }, 'metadata.tollgate_price'],
      [{ amount: 1000, currency: 'usd' }, 'product_name'],
      [{ ...line, price: 'field-guide' }, 'price'],
      [{ ...line, grants: [{ feature: 'premium' }, { feature: 'nosuchfeature' }] }, 'grants.1.feature'],
      [
        {
          ...line,
          grants: [
            { feature: 'premium', duration_days: null },
            { feature: 'premium', duration_days: 5 },
          ],
        },
        'grants',
      ],
    ]
    for (const [body, field] of cases) {
      const res = await post(body)
      const answer = (await res.json()) as { error: { code: string; details: { field: string } } }
      expect([res.status, answer.error.code, answer.error.details.field]).toEqual([
        400,
        'API_INVALID_PARAMETER',
        field,
      ])
    }
    const unknown = await post({ ...line, grants: [{ feature: 'nosuchfeature' }] })
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe(
      'grants.0.feature: "nosuchfeature" is not a feature of the catalog',
    )
    expect(await sessionCount()).toBe(before)
  })

  it('refuses metadata keys that cannot round-trip and says the rule; others, however named, reach the order', async () => {
    const line = { amount: 1000, currency: 'usd', product_name: 'Thing' }
    const before = await sessionCount()
    for (const name of ['__proto__', 'bad key', 'tollgate_x', 'a'.repeat(41)]) {
      // Written by hand: an object literal would take `__proto__` as its prototype.
      const res = await t.request('/api/v1/checkout-sessions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: `{"amount":1000,"currency":"usd","product_name":"Thing","metadata":{${JSON.stringify(name)}:"x"}}`,
      })
      const answer = (await res.json()) as {
        error: { code: string; message: string; details: { field: string } }
      }
      expect([res.status, answer.error.code, answer.error.details.field]).toEqual([
        400,
        'API_INVALID_PARAMETER',
        `metadata.${name}`,
      ])
      expect(answer.error.message).toMatch(/letters, digits/)
    }
    expect(await sessionCount()).toBe(before)

    const metadata = { constructor: 'a', prototype: 'b', toString: 'c', hasOwnProperty: 'd', valueOf: 'e' }
    const res = await post({ ...line, customer_email: 'odd-keys@example.com', metadata })
    expect(res.status).toBe(201)
    const started = (await res.json()) as { id: string; url: string }
    await payHostedCheckout(started.url, { email: 'odd-keys@example.com' })
    await settle(t)
    const order = await t.deps.db
      .selectFrom('orders')
      .selectAll()
      .where('stripe_checkout_session_id', '=', started.id)
      .executeTakeFirstOrThrow()
    expect(JSON.parse(order.metadata ?? 'null')).toEqual(metadata)
  })

  it('answers 401 without a key, 403 without checkout:write', async () => {
    const body = { amount: 1000, currency: 'usd', product_name: 'Thing' }
    expect((await post(body, {}, 'tg_test_wrong')).status).toBe(401)
    const forbidden = await post(body, {}, narrowKey)
    expect(forbidden.status).toBe(403)
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('API_SCOPE_MISSING')
  })

  it('honours Idempotency-Key: a replay gets the same session, another body 409', async () => {
    const body = { amount: 2500, currency: 'gbp', product_name: 'Report' }
    const headers = { 'idempotency-key': `order-${dialect}-1` }
    const first = (await (await post(body, headers)).json()) as { id: string }
    const again = await post(body, headers)
    expect(again.status).toBe(201)
    expect(((await again.json()) as { id: string }).id).toBe(first.id)
    const other = await post({ ...body, amount: 2600 }, headers)
    expect(other.status).toBe(409)
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED')
  })

  it('keeps the public buy-button endpoint as it was', async () => {
    const res = await t.request('/api/checkout-sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ price: 'field-guide', email: 'public@example.com' }),
    })
    expect(res.status).toBe(201)
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['id', 'url'])
  })
})
