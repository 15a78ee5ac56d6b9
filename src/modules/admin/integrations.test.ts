/**
 * The console's pages for other apps: API keys (created with scopes, shown once, listed by prefix,
 * revoked, each change audited) and outbound webhooks (an endpoint added with its secret shown
 * once, disabled and enabled, the delivery log, a redelivery), through the real forms; a buyer gets
 * the ordinary 404 and a cross-site form post is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { createMember, type Member } from '../../../test/lifecycle.js'
import { publishEvent } from '../outbound-webhooks/index.js'
import { listAuditEntries } from './repo.js'

const ADMIN = 'owner@example.com'

describe.each(DIALECTS)('console pages for API keys and webhooks on %s', (dialect) => {
  let t: TestApp
  let admin: Member
  let buyer: Member

  beforeAll(async () => {
    t = await createTestApp({ dialect, workers: 'manual', config: { adminEmails: [ADMIN] } })
    admin = await createMember(t, ADMIN)
    buyer = await createMember(t, 'someone@example.com')
  }, 120_000)
  afterAll(() => t?.close())

  it('creates a scoped key shown once, lists it by prefix, revokes it', async () => {
    const console = await admin.agent()
    const made = await console.request('/admin/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=SaaS+backend&mode=live&scopes=checkout%3Awrite&scopes=orders%3Aread',
    })
    expect(made.status).toBe(200)
    expect(made.headers.get('cache-control')).toBe('no-store')
    const html = await made.text()
    const key = /data-api-key[^>]*>(tg_live_[\w-]+)</.exec(html)?.[1] ?? ''
    expect(key).toMatch(/^tg_live_/)
    const order = await t.request('/api/v1/orders/ord_missing', {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(order.status).toBe(404) // the key works, with orders:read
    const listing = await (await console.request('/admin/api-keys')).text()
    expect(listing).toContain('SaaS backend')
    expect(listing).toContain('checkout:write, orders:read')
    expect(listing).not.toContain(key)
    const id = /data-key-id="(key_\w+)"/.exec(listing)?.[1] ?? ''
    expect((await console.postForm('/admin/api-keys/revoke', { id })).status).toBe(303)
    expect(
      (await t.request('/api/v1/orders/ord_missing', { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(401)
    const bad = await console.postForm('/admin/api-keys', { name: 'x', mode: 'live', scopes: 'root:all' })
    expect(bad.status).toBe(422)
    const audit = await listAuditEntries(t.deps.db, { limit: 10, offset: 0 })
    const actions = audit.map((a) => a.action)
    expect(actions).toEqual(expect.arrayContaining(['api_key.create', 'api_key.revoke']))
    const revoke = audit.find((a) => a.action === 'api_key.revoke' && a.target_id === id)
    expect(JSON.parse(revoke?.before_json ?? 'null')).toMatchObject({
      name: 'SaaS backend',
      revoked_at: null,
    })
    expect(JSON.stringify(audit)).not.toContain(key)
  })

  it('adds an endpoint with its secret shown once, disables it, shows deliveries and sends one again', async () => {
    const console = await admin.agent()
    const added = await console.request('/admin/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'url=https%3A%2F%2Fapp.example.com%2Fhooks&events=order.paid&events=license.created',
    })
    expect(added.status).toBe(200)
    const html = await added.text()
    expect(html).toMatch(/data-webhook-secret[^>]*>whsec_/)
    const id = /data-endpoint-id="(whe_\w+)"/.exec(html)?.[1] ?? ''
    expect(html).toContain('order.paid, license.created')
    await t.deps.db
      .transaction()
      .execute((trx) =>
        publishEvent(trx, { type: 'order.paid', data: { id: 'ord_x' }, now: t.deps.clock.now() }),
      )
    const page = await (await console.request(`/admin/webhooks?endpoint=${id}`)).text()
    expect(page).not.toMatch(/whsec_/)
    const delivery = /data-delivery-id="(whd_\w+)"/.exec(page)?.[1] ?? ''
    expect(delivery).toMatch(/^whd_/)
    // Sent already (a pending one is brought forward instead of copied), so sending again copies it.
    await t.deps.db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivered' })
      .where('id', '=', delivery)
      .execute()
    expect((await console.postForm('/admin/webhooks/redeliver', { id: delivery })).status).toBe(303)
    const deliveries = await t.deps.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', id)
      .execute()
    expect(deliveries).toHaveLength(2)
    expect(new Set(deliveries.map((d) => d.message_id)).size).toBe(1)
    expect((await console.postForm('/admin/webhooks/disable', { id })).status).toBe(303)
    const endpoint = await t.deps.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(endpoint.status).toBe('disabled')
    expect((await console.postForm('/admin/webhooks/enable', { id })).status).toBe(303)
    expect(
      (await console.postForm('/admin/webhooks', { url: 'ftp://nope.example', events: '*' })).status,
    ).toBe(422)
    const actions = (await listAuditEntries(t.deps.db, { limit: 20, offset: 0 })).map((a) => a.action)
    expect(actions).toEqual(
      expect.arrayContaining([
        'webhook_endpoint.add',
        'webhook_delivery.redeliver',
        'webhook_endpoint.disable',
        'webhook_endpoint.enable',
      ]),
    )
    const entries = await listAuditEntries(t.deps.db, { limit: 20, offset: 0 })
    const switched = (action: string) => {
      const entry = entries.find((a) => a.action === action && a.target_id === id)
      return [
        JSON.parse(entry?.before_json ?? 'null')?.status,
        JSON.parse(entry?.after_json ?? 'null')?.status,
      ]
    }
    expect(switched('webhook_endpoint.disable')).toEqual(['enabled', 'disabled'])
    expect(switched('webhook_endpoint.enable')).toEqual(['disabled', 'enabled'])
  })

  it('answers 404 to anyone but an admin and refuses a cross-site post', async () => {
    const someone = await buyer.agent()
    expect((await someone.request('/admin/api-keys')).status).toBe(404)
    expect((await someone.request('/admin/webhooks')).status).toBe(404)
    const console = await admin.agent()
    const forged = await console.request('/admin/api-keys', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=evil&mode=live&scopes=grants%3Awrite',
    })
    expect(forged.status).toBe(403)
    expect(await t.deps.db.selectFrom('api_keys').select('id').where('name', '=', 'evil').execute()).toEqual(
      [],
    )
  })
})
