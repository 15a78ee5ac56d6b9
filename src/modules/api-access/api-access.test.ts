import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { type Agent, createAgent, createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { hashPassword } from '../accounts/passwords.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { setPasswordHash } from '../customers/repo.js'
import { grantManually, revokeManually } from '../members/manual-grants.js'
import { createApiKey } from './api-keys.js'

describe.each(DIALECTS)('API access on %s', (dialect) => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let origin: string
  let member: Agent
  const agent = (): Agent =>
    createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    app = createApp(t.deps)
    origin = t.deps.config.publicUrl
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'member@example.com', t.deps.clock.now())
    await setPasswordHash(t.deps.db, customer.id, await hashPassword('member password'))
    member = agent()
    await member.postForm('/signin', { email: 'member@example.com', password: 'member password' })
  })
  afterAll(async () => {
    await t.close()
  })

  it('lists the signed-in customer entitlements with why and until when', async () => {
    const until = new Date(Date.now() + 7 * 86_400_000)
    await t.deps.db.transaction().execute((trx) =>
      grantManually(t.deps, trx, {
        email: 'member@example.com',
        feature: 'premium',
        until,
        reason: 'press',
      }),
    )
    const res = await member.request('/api/me/entitlements', { headers: { accept: 'application/json' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const text = await res.text()
    const body = JSON.parse(text) as {
      customer: { id: string; email: string }
      entitlements: { feature: string; allowed: boolean; via: string; until: string }[]
    }
    // The text is written in parts (the entitlements' kept): it is the object's JSON, as c.json's.
    expect(text).toBe(JSON.stringify(body))
    expect(body.customer).toEqual({ id: expect.stringMatching(/^cu_/), email: 'member@example.com' })
    expect(body.entitlements).toEqual([
      expect.objectContaining({
        feature: 'premium',
        allowed: true,
        via: 'manual',
        until: until.toISOString(),
      }),
    ])
    expect((await agent().request('/api/me/entitlements')).status).toBe(401)
    const account = await (await member.request('/account')).text()
    expect(account).toContain('data-feature="premium"')
    expect(account).toContain(`granted by the store, until ${until.toISOString().slice(0, 10)}`)
  })

  it('issues an Ed25519 JWT that verifies offline against the published JWKS', async () => {
    const res = await member.request('/api/token', {
      method: 'POST',
      headers: { accept: 'application/json' },
    })
    expect(res.status).toBe(201)
    const { token } = (await res.json()) as { token: string }
    const jwks = (await (await agent().request('/.well-known/jwks.json')).json()) as JSONWebKeySet
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })
    expect(jwks.keys[0]).not.toHaveProperty('d')
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: origin,
      audience: 'tollgate',
    })
    expect(protectedHeader.alg).toBe('EdDSA')
    expect(payload.email).toBe('member@example.com')
    expect(payload.entitlements).toEqual(['premium'])
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600)
    // The same key signs the next token (persisted, not regenerated).
    const again = (await (await member.request('/api/token', { method: 'POST' })).json()) as { token: string }
    await expect(jwtVerify(again.token, createLocalJWKSet(jwks))).resolves.toBeDefined()
  })

  it('answers other backends holding an API key, and only them', async () => {
    const { key } = await createApiKey(t.deps.db, { name: 'test', now: new Date() })
    const path = '/api/customers/member@example.com/entitlements'
    const ok = await app.request(new URL(path, origin).href, { headers: { authorization: `Bearer ${key}` } })
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { entitlements: { feature: string; allowed: boolean }[] }
    expect(body.entitlements.find((e) => e.feature === 'premium')?.allowed).toBe(true)
    const bad = await app.request(new URL(path, origin).href, {
      headers: { authorization: 'Bearer tgk_wrong' },
    })
    expect(bad.status).toBe(401)
    expect((await app.request(new URL(path, origin).href)).status).toBe(401)
    const unknown = '/api/customers/nobody@example.com/entitlements'
    const missing = await app.request(new URL(unknown, origin).href, {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(missing.status).toBe(404)
  })

  it('reflects a manual revoke at once', async () => {
    await t.deps.db
      .transaction()
      .execute((trx) =>
        revokeManually(t.deps, trx, { email: 'member@example.com', feature: 'premium', reason: 'test' }),
      )
    const res = await member.request('/api/me/entitlements')
    const body = (await res.json()) as { entitlements: { feature: string; allowed: boolean }[] }
    expect(body.entitlements).toEqual([{ feature: 'premium', allowed: false }])
  })
})
