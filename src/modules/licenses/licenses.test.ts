/**
 * Licence keys through the front door: an integrator's ad-hoc checkout grants the catalog's
 * licence feature, the buyer pays on the emulator's page, the key arrives in the purchase email,
 * verifies offline against nothing but the JWKS document, validates and activates online up to its
 * limit, and is revoked by a refund. A recurring ad-hoc line's key follows its subscription.
 */
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { payHostedCheckout, settle } from '../../../test/purchase.js'
import { hashToken } from '../../lib/tokens.js'
import { createApiKey } from '../api-access/index.js'
import { LICENSE_TOKEN_TYPE } from './index.js'

const JWS = /eyJ[\w-]+\.[\w-]+\.[\w-]+/

describe.each(DIALECTS)('licence keys on %s', (dialect) => {
  let t: TestApp
  let apiKey: string
  const api = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    t.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const checkout = async (body: Record<string, unknown>): Promise<string> => {
    const res = await api('/api/v1/checkout-sessions', body, { authorization: `Bearer ${apiKey}` })
    expect(res.status).toBe(201)
    return ((await res.json()) as { url: string }).url
  }
  const keyFromMail = async (email: string, template: string): Promise<string> => {
    const mail = (await t.mail(email)).find((m) => m.template === template)
    const key = JWS.exec(mail?.text ?? '')?.[0]
    if (!key) throw new Error(`no licence key in the ${template} mail to ${email}`)
    return key
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect })
    apiKey = (
      await createApiKey(t.deps.db, { name: 'app', now: t.deps.clock.now(), scopes: ['checkout:write'] })
    ).key
  }, 120_000)
  afterAll(() => t?.close())

  it('issues a key with a one-time purchase: offline and online checks, activations, revoked by a refund', async () => {
    const url = await checkout({
      amount: 4900,
      currency: 'usd',
      product_name: 'Desktop app',
      grants: [{ feature: 'desktop-app' }],
    })
    expect((await payHostedCheckout(url, { email: 'lic@example.com' })).status).toBe(303)
    await settle(t)
    const key = await keyFromMail('lic@example.com', 'purchase-confirmation')

    // At rest: the hash and a sealed copy, never the key itself.
    const row = await t.deps.db.selectFrom('license_keys').selectAll().executeTakeFirstOrThrow()
    expect(Object.values(row)).not.toContain(key)
    expect(row.sealed_key).toMatch(/^sealed:v1:/)

    // Offline: only the JWKS document.
    const jwks = (await (await t.request('/.well-known/jwks.json')).json()) as JSONWebKeySet
    const { payload, protectedHeader } = await jwtVerify(key, createLocalJWKSet(jwks), {
      issuer: t.url,
      typ: LICENSE_TOKEN_TYPE,
    })
    expect(protectedHeader.alg).toBe('EdDSA')
    expect(payload).toMatchObject({ jti: row.id, feature: 'desktop-app', activation_limit: 2 })
    const [h, p, s] = key.split('.')
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, activation_limit: 99 })).toString('base64url')}.${s}`
    await expect(jwtVerify(forged, createLocalJWKSet(jwks))).rejects.toThrow()
    expect(p).toBeTruthy()

    // Online.
    const valid = await api('/api/v1/licenses/validate', { key })
    expect(valid.status).toBe(200)
    expect(await valid.json()).toMatchObject({
      id: row.id,
      valid: true,
      status: 'granted',
      feature: 'desktop-app',
      expires_at: null,
      activation_limit: 2,
      activations: 0,
    })
    const first = await api('/api/v1/licenses/activate', { key, label: 'laptop' })
    expect(first.status).toBe(201)
    const laptop = ((await first.json()) as { activation: { id: string } }).activation.id
    const again = await api('/api/v1/licenses/activate', { key, label: 'laptop' })
    expect([again.status, ((await again.json()) as { activation: { id: string } }).activation.id]).toEqual([
      200,
      laptop,
    ])
    expect((await api('/api/v1/licenses/activate', { key, label: 'desktop' })).status).toBe(201)
    const full = await api('/api/v1/licenses/activate', { key, label: 'tablet' })
    expect([full.status, ((await full.json()) as { error: { code: string } }).error.code]).toEqual([
      403,
      'LICENSE_ACTIVATION_LIMIT',
    ])
    expect((await api('/api/v1/licenses/deactivate', { key, activation_id: laptop })).status).toBe(200)
    expect((await api('/api/v1/licenses/activate', { key, label: 'tablet' })).status).toBe(201)
    const checked = await api('/api/v1/licenses/validate', { key, activation_id: laptop })
    expect(checked.status).toBe(404)

    // Bad input and unknown keys change nothing.
    expect((await api('/api/v1/licenses/validate', { key, extra: 1 })).status).toBe(400)
    expect((await api('/api/v1/licenses/validate', { key: `${key.slice(0, -2)}xx` })).status).toBe(404)

    // The library shows the key again (opened from its sealed copy).
    const mail = (await t.mail('lic@example.com')).find((m) => m.template === 'purchase-confirmation')
    const token = /^([\w-]{40,})$/m.exec(mail?.text ?? '')?.[1] ?? ''
    const buyer = t.agent()
    expect(
      (await buyer.postForm('/login', { email: 'lic@example.com', token, intent: 'token' })).status,
    ).toBe(303)
    const library = await (await buyer.request('/library')).text()
    expect(library).toContain(key)
    expect(library).toMatch(/2 of 2 devices/)
    // A buyer of a key alone has no files, but the library is not "empty" above their key.
    expect(library).not.toContain('data-library-empty')

    // A full refund revokes the key like any grant.
    const order = await t.deps.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', row.source_id)
      .executeTakeFirstOrThrow()
    await t.stripe.refunds.create({ payment_intent: order.stripe_payment_intent_id ?? '' })
    await settle(t)
    expect(await (await api('/api/v1/licenses/validate', { key })).json()).toMatchObject({
      valid: false,
      status: 'revoked',
    })
    const refused = await api('/api/v1/licenses/activate', { key, label: 'phone' })
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([
      403,
      'LICENSE_NOT_VALID',
    ])
  })

  it('gives a recurring ad-hoc line a key that follows its subscription', async () => {
    const url = await checkout({
      amount: 900,
      currency: 'usd',
      product_name: 'Desktop app, monthly',
      recurring: { interval: 'month' },
      grants: [{ feature: 'desktop-app' }, { feature: 'premium' }],
      metadata: { account: 'acct-9' },
    })
    expect((await payHostedCheckout(url, { email: 'sublic@example.com' })).status).toBe(303)
    await settle(t)
    const key = await keyFromMail('sublic@example.com', 'license-keys')
    const sub = await t.deps.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('product_name', '=', 'Desktop app, monthly')
      .executeTakeFirstOrThrow()
    const grants = await t.deps.db
      .selectFrom('entitlement_grants')
      .selectAll()
      .where('source_id', '=', sub.id)
      .execute()
    expect(grants.map((g) => [g.feature, g.revoked_at, g.ends_at]).sort()).toEqual([
      ['desktop-app', null, sub.current_period_end],
      ['premium', null, sub.current_period_end],
    ])
    expect(await (await api('/api/v1/licenses/validate', { key })).json()).toMatchObject({
      valid: true,
      expires_at: sub.current_period_end,
    })
    const { payload } = await jwtVerify(
      key,
      createLocalJWKSet((await (await t.request('/.well-known/jwks.json')).json()) as JSONWebKeySet),
    )
    expect(payload.exp).toBeUndefined() // a subscription's end moves; only the online check knows it

    // Canceled: access (and the key) last to the end of the paid period, then lapse.
    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
    expect(await (await api('/api/v1/licenses/validate', { key })).json()).toMatchObject({ valid: true })
    await t.emulator.clock.advance(32 * 86_400)
    await settle(t)
    expect(await (await api('/api/v1/licenses/validate', { key })).json()).toMatchObject({
      valid: false,
      status: 'expired',
    })
  })

  it('revokes the key when an integrator revokes its grant by hand', async () => {
    const url = await checkout({
      amount: 900,
      currency: 'usd',
      product_name: 'Desktop app',
      grants: [{ feature: 'desktop-app' }],
    })
    expect((await payHostedCheckout(url, { email: 'byhand@example.com' })).status).toBe(303)
    await settle(t)
    const key = await keyFromMail('byhand@example.com', 'purchase-confirmation')
    const row = await t.deps.db
      .selectFrom('license_keys')
      .selectAll()
      .where('key_hash', '=', hashToken(key))
      .executeTakeFirstOrThrow()
    const grant = await t.deps.db
      .selectFrom('entitlement_grants')
      .selectAll()
      .where('source_id', '=', row.source_id)
      .executeTakeFirstOrThrow()
    const writer = (
      await createApiKey(t.deps.db, { name: 'w', now: t.deps.clock.now(), scopes: ['grants:write'] })
    ).key
    const res = await t.request(`/api/v1/grants/${grant.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${writer}` },
    })
    expect(res.status).toBe(200)
    expect(await (await api('/api/v1/licenses/validate', { key })).json()).toMatchObject({
      valid: false,
      status: 'revoked',
    })
    const after = await t.deps.db
      .selectFrom('license_keys')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow()
    expect(after.revoked_at).not.toBeNull()
  })

  it('limits checks per client and key', async () => {
    const key = `eyJ${'a'.repeat(40)}.eyJ${'b'.repeat(40)}.${'c'.repeat(40)}`
    const statuses: number[] = []
    for (let i = 0; i < 32; i++) statuses.push((await api('/api/v1/licenses/validate', { key })).status)
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
  })
})
