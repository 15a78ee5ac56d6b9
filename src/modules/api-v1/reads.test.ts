/**
 * The integrator reads and grant writes: customers by email with Stripe-style cursor pages, a
 * customer's entitlements (the same answer as the pages and the legacy endpoint), grants created
 * and revoked by id, each behind its scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { createApiKey } from '../api-access/index.js'
import { findOrCreateCustomerByEmail } from '../customers/index.js'

type Json = Record<string, unknown> & {
  error?: { code: string; message?: string; details?: { field?: string } }
}

describe.each(DIALECTS)('/api/v1 reads and grants on %s', (dialect) => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let key: string
  const call = async (
    path: string,
    init: RequestInit = {},
    k = key,
  ): Promise<{ status: number; body: Json }> => {
    const res = await app.request(new URL(path, t.deps.config.publicUrl).href, {
      ...init,
      headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json', ...init.headers },
    })
    return { status: res.status, body: (await res.json()) as Json }
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    app = createApp(t.deps)
    const now = t.deps.clock.now()
    key = (
      await createApiKey(t.deps.db, {
        name: 'crm',
        now,
        scopes: ['customers:read', 'entitlements:read', 'grants:write', 'orders:read'],
      })
    ).key
    for (const n of [1, 2, 3]) await findOrCreateCustomerByEmail(t.deps.db, `page${n}@example.com`, now)
  })
  afterAll(() => t.close())

  it('pages through customers with starting_after, limit and has_more, and finds one by email', async () => {
    const first = await call('/api/v1/customers?limit=2')
    expect(first.status).toBe(200)
    const data = first.body.data as { id: string; email: string }[]
    expect(data).toHaveLength(2)
    expect(first.body.has_more).toBe(true)
    const second = await call(`/api/v1/customers?limit=2&starting_after=${data[1]?.id}`)
    const rest = second.body.data as { id: string; email: string }[]
    expect(second.body.has_more).toBe(false)
    // Pages are in id order (time-sortable ids) and together hold every customer once.
    const ids = [...data, ...rest].map((c) => c.id)
    expect(ids).toEqual([...ids].sort())
    expect([...data, ...rest].map((c) => c.email).sort()).toEqual([
      'page1@example.com',
      'page2@example.com',
      'page3@example.com',
    ])
    const byEmail = await call('/api/v1/customers?email=PAGE2@example.com')
    expect((byEmail.body.data as { email: string }[]).map((c) => c.email)).toEqual(['page2@example.com'])
    for (const limit of ['500', '0', 'abc', '2.5', '1e1', '0x10', '+5', '%2010', '']) {
      const bad = await call(`/api/v1/customers?limit=${limit}`)
      expect([bad.status, bad.body.error?.details?.field]).toEqual([400, 'limit'])
      expect(bad.body.error?.message).toBe('limit: must be a whole number from 1 to 100')
    }
    // A cursor names a customer of the previous page; one that does not exist is an error, not a page.
    for (const cursor of ['cu_zzzzzzzzzz', 'cu_0']) {
      const bad = await call(`/api/v1/customers?starting_after=${cursor}`)
      expect([bad.status, bad.body.error?.details?.field]).toEqual([400, 'starting_after'])
      expect(bad.body.error?.message).toBe(`starting_after: no customer has the id ${cursor}`)
    }
    const unknown = await call('/api/v1/customers?emial=x@example.com')
    expect([unknown.status, unknown.body.error?.details?.field]).toEqual([400, 'emial'])
  })

  it('grants a feature, shows it in the entitlements as the legacy endpoint does, and revokes it by id', async () => {
    const granted = await call('/api/v1/grants', {
      method: 'POST',
      body: JSON.stringify({
        customer_email: 'page1@example.com',
        feature: 'premium',
        reason: 'beta tester',
      }),
    })
    expect(granted.status).toBe(201)
    expect(granted.body).toMatchObject({
      object: 'grant',
      feature: 'premium',
      source: 'manual',
      ends_at: null,
    })
    const customerId = granted.body.customer_id as string
    const listed = await call(`/api/v1/customers/${customerId}/entitlements`)
    expect(listed.status).toBe(200)
    expect(listed.body.data).toEqual([
      { feature: 'premium', allowed: true, via: 'manual', source_id: customerId, until: null },
    ])
    const legacy = await call('/api/customers/page1@example.com/entitlements')
    expect((legacy.body.entitlements as { allowed: boolean }[])[0]?.allowed).toBe(true)
    const revoked = await call(`/api/v1/grants/${granted.body.id}`, { method: 'DELETE' })
    expect(revoked.status).toBe(200)
    expect(revoked.body.revoked_at).toEqual(expect.any(String))
    const after = await call(`/api/v1/customers/${customerId}/entitlements`)
    expect(after.body.data).toEqual([{ feature: 'premium', allowed: false }])
  })

  it('takes until with a UTC offset and answers it in UTC', async () => {
    const granted = await call('/api/v1/grants', {
      method: 'POST',
      body: JSON.stringify({
        customer_email: 'page3@example.com',
        feature: 'premium',
        reason: 'offset',
        until: '2030-01-01T00:00:00+02:00',
      }),
    })
    expect([granted.status, granted.body.ends_at]).toEqual([201, '2029-12-31T22:00:00.000Z'])
    const local = await call('/api/v1/grants', {
      method: 'POST',
      body: JSON.stringify({
        customer_email: 'page3@example.com',
        feature: 'premium',
        reason: 'x',
        until: '2030-01-01T00:00:00',
      }),
    })
    expect([local.status, local.body.error?.details?.field]).toEqual([400, 'until'])
  })

  it('refuses unknown features, unknown ids and missing scopes', async () => {
    const unknownFeature = await call('/api/v1/grants', {
      method: 'POST',
      body: JSON.stringify({ customer_email: 'page1@example.com', feature: 'nope', reason: 'x' }),
    })
    expect([unknownFeature.status, unknownFeature.body.error?.details?.field]).toEqual([400, 'feature'])
    const noReason = await call('/api/v1/grants', {
      method: 'POST',
      body: JSON.stringify({ customer_email: 'page1@example.com', feature: 'premium' }),
    })
    expect([noReason.status, noReason.body.error?.message]).toEqual([400, 'reason: is required'])
    const past = await call('/api/v1/grants', {
      method: 'POST',
      body: JSON.stringify({
        customer_email: 'page1@example.com',
        feature: 'premium',
        reason: 'x',
        until: '2020-01-01T00:00:00Z',
      }),
    })
    expect([past.status, past.body.error?.details?.field]).toEqual([400, 'until'])
    expect(past.body.error?.message).toMatch(/^until: must be in the future/)
    expect((await call('/api/v1/grants/grt_missing', { method: 'DELETE' })).status).toBe(404)
    expect((await call('/api/v1/orders/ord_missing')).status).toBe(404)
    expect((await call('/api/v1/customers/cu_missing/entitlements')).status).toBe(404)
    const reader = (
      await createApiKey(t.deps.db, { name: 'r', now: t.deps.clock.now(), scopes: ['customers:read'] })
    ).key
    expect((await call('/api/v1/grants/grt_x', { method: 'DELETE' }, reader)).status).toBe(403)
    expect((await call('/api/v1/customers', {}, reader)).status).toBe(200)
  })
})
