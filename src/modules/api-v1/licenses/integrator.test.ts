/**
 * Licence keys for integrators: a buyer pays on the emulator's page for an ad-hoc line granting
 * the catalog's licence feature; an `entitlements:read` key reads the licence (never the key) alone
 * and in the customer's list; a `licenses:write` key revokes it on its own (`license.revoked`
 * published, the grant untouched, the reason kept) and a later sync does not bring it back.
 * Missing, unknown and wrong-scope keys, unknown ids and bad bodies are refused and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../../test/harness.js'
import { payHostedCheckout, settle } from '../../../../test/purchase.js'
import { createApiKey } from '../../api-access/index.js'
import { syncCustomerLicenses } from '../../licenses/index.js'
import { addWebhookEndpoint } from '../../outbound-webhooks/index.js'

type Json = Record<string, unknown> & { error?: { code: string; details?: { field?: string } } }

describe.each(DIALECTS)('/api/v1 licences for integrators on %s', (dialect) => {
  let t: TestApp
  const keys: Record<'checkout' | 'reader' | 'writer' | 'other', string> = {
    checkout: '',
    reader: '',
    writer: '',
    other: '',
  }
  const call = async (
    path: string,
    key: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await t.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Json }
  }
  const licence = () => t.deps.db.selectFrom('license_keys').selectAll().executeTakeFirstOrThrow()

  beforeAll(async () => {
    t = await createTestApp({ dialect })
    const now = t.deps.clock.now()
    const make = async (name: string, scopes: Parameters<typeof createApiKey>[1]['scopes']) =>
      (await createApiKey(t.deps.db, { name, now, scopes })).key
    keys.checkout = await make('shop', ['checkout:write'])
    keys.reader = await make('reader', ['entitlements:read'])
    keys.writer = await make('revoker', ['licenses:write'])
    keys.other = await make('crm', ['customers:read', 'grants:write'])
    await addWebhookEndpoint(t.deps.db, { url: 'http://127.0.0.1:9/hook', events: ['license.revoked'], now })
    const started = await call('/api/v1/checkout-sessions', keys.checkout, {
      amount: 4900,
      currency: 'usd',
      product_name: 'Desktop app',
      grants: [{ feature: 'desktop-app' }],
    })
    expect(started.status).toBe(201)
    const paid = await payHostedCheckout(started.body.url as string, { email: 'integ@example.com' })
    expect(paid.status).toBe(303)
    await settle(t)
  }, 120_000)
  afterAll(() => t?.close())

  it('reads a licence and a customer’s licences with entitlements:read, never the key itself', async () => {
    const row = await licence()
    const one = await call(`/api/v1/licenses/${row.id}`, keys.reader)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({
      object: 'license_key',
      id: row.id,
      valid: true,
      status: 'granted',
      feature: 'desktop-app',
      customer_id: row.customer_id,
      source: { type: 'order', id: row.source_id },
      activation_limit: 2,
      activations: 0,
      activation_list: [],
      revoked_at: null,
      revoked_reason: null,
    })
    expect(JSON.stringify(one.body)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./)
    expect(JSON.stringify(one.body)).not.toContain(row.sealed_key)
    const list = await call(`/api/v1/customers/${row.customer_id}/licenses`, keys.reader)
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ object: 'list', customer: { id: row.customer_id }, has_more: false })
    expect((list.body.data as { id: string }[]).map((l) => l.id)).toEqual([row.id])
  })

  it('refuses missing, unknown and wrong-scope keys, unknown ids and bad input, changing nothing', async () => {
    const row = await licence()
    const revoke = `/api/v1/licenses/${row.id}/revoke`
    const codes = async (r: Promise<{ status: number; body: Json }>) => {
      const { status, body } = await r
      return [status, body.error?.code, body.error?.details?.field]
    }
    expect((await call(`/api/v1/licenses/${row.id}`, undefined)).status).toBe(401)
    expect((await call(`/api/v1/licenses/${row.id}`, 'tg_test_nope')).status).toBe(401)
    expect((await call(`/api/v1/licenses/${row.id}`, keys.other)).status).toBe(403)
    expect((await call(`/api/v1/licenses/${row.id}`, keys.writer)).status).toBe(403)
    expect((await call(`/api/v1/customers/${row.customer_id}/licenses`, keys.other)).status).toBe(403)
    expect((await call(revoke, undefined, { reason: 'x' })).status).toBe(401)
    expect((await call(revoke, keys.reader, { reason: 'x' })).status).toBe(403)
    expect((await call(revoke, keys.other, { reason: 'x' })).status).toBe(403)
    expect(await codes(call('/api/v1/licenses/lic_nope', keys.reader))).toEqual([
      404,
      'LICENSE_NOT_FOUND',
      undefined,
    ])
    expect((await call('/api/v1/licenses/nope', keys.reader)).status).toBe(400)
    expect((await call('/api/v1/customers/cu_nope/licenses', keys.reader)).status).toBe(404)
    expect((await call('/api/v1/licenses/lic_nope/revoke', keys.writer, { reason: 'x' })).status).toBe(404)
    expect(await codes(call(revoke, keys.writer, { reason: 'x', extra: 1 }))).toEqual([
      400,
      'API_INVALID_PARAMETER',
      'extra',
    ])
    expect(await codes(call(revoke, keys.writer, {}))).toEqual([400, 'API_INVALID_PARAMETER', 'reason'])
    expect(await codes(call(revoke, keys.writer, { reason: '  ' }))).toEqual([
      400,
      'API_INVALID_PARAMETER',
      'reason',
    ])
    expect((await call(revoke, keys.writer, '{"reason":')).status).toBe(400)
    expect(await licence()).toMatchObject({ revoked_at: null, revoked_reason: null })
  })

  it('revokes the key alone with licenses:write: event published, grant kept, not brought back', async () => {
    const row = await licence()
    const before = await t.deps.db.selectFrom('webhook_deliveries').selectAll().execute()
    const res = await call(`/api/v1/licenses/${row.id}/revoke`, keys.writer, { reason: 'posted on a forum' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id: row.id,
      valid: false,
      status: 'revoked',
      revoked_at: expect.any(String),
    })
    expect(res.body.revoked_reason).toMatch(/^API key revoker \(.+\): posted on a forum$/)

    const deliveries = await t.deps.db.selectFrom('webhook_deliveries').selectAll().execute()
    const added = deliveries.filter((d) => !before.some((b) => b.id === d.id))
    expect(added.map((d) => d.event_type)).toEqual(['license.revoked'])
    expect(JSON.parse(added[0]?.payload ?? '{}')).toMatchObject({ data: { id: row.id } })

    // The grant is untouched; the public check answers revoked.
    const grants = await t.deps.db
      .selectFrom('entitlement_grants')
      .selectAll()
      .where('source_id', '=', row.source_id)
      .execute()
    expect(grants.map((g) => g.revoked_at)).toEqual([null])
    const mail = (await t.mail('integ@example.com')).find((m) => m.template === 'purchase-confirmation')
    const key = /eyJ[\w-]+\.[\w-]+\.[\w-]+/.exec(mail?.text ?? '')?.[0]
    expect((await call('/api/v1/licenses/validate', undefined, { key })).body).toMatchObject({
      id: row.id,
      valid: false,
      status: 'revoked',
    })

    // Again: same answer, first reason kept, no second event. A sync does not bring it back.
    const again = await call(`/api/v1/licenses/${row.id}/revoke`, keys.writer, { reason: 'second' })
    expect([again.status, again.body.revoked_reason]).toEqual([200, res.body.revoked_reason])
    await t.deps.db
      .transaction()
      .execute((trx) =>
        syncCustomerLicenses(t.deps, trx, { customerId: row.customer_id, now: t.deps.clock.now() }),
      )
    expect(await licence()).toMatchObject({ revoked_at: res.body.revoked_at })
    const after = await t.deps.db.selectFrom('webhook_deliveries').selectAll().execute()
    expect(after.length).toBe(deliveries.length)
  })
})
