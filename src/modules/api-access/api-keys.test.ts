import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import type { AppEnv } from '../../http/env.js'
import { hashToken } from '../../lib/tokens.js'
import { handleError } from '../../web/error-handler.js'
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js'
import { requireApiKey } from './require-key.js'

describe.each(DIALECTS)('scoped API keys on %s', (dialect) => {
  let t: TestDeps
  let app: Hono<AppEnv>
  const call = (key?: string): Promise<Response> =>
    Promise.resolve(app.request('/api/probe', key ? { headers: { authorization: `Bearer ${key}` } } : {}))

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', t.deps)
        await next()
      })
      .get('/api/probe', requireApiKey('orders:read'), (c) => c.json({ key: c.get('apiKey') }))
    app.onError(handleError)
  })
  afterAll(() => t.close())

  it('stores only the hash of a recognisable key and records its last use', async () => {
    const now = t.deps.clock.now()
    const { id, key } = await createApiKey(t.deps.db, { name: 'app', now, scopes: ['orders:read'] })
    expect(key).toMatch(/^tg_test_[A-Za-z0-9_-]{43}$/)
    const live = await createApiKey(t.deps.db, { name: 'prod', now, live: true })
    expect(live.key.startsWith('tg_live_')).toBe(true)
    const row = await t.deps.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.key_hash).toBe(hashToken(key))
    expect(JSON.stringify(row)).not.toContain(key.slice(12))
    expect(row.last_used_at).toBeNull()
    const res = await call(key)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ key: { id, name: 'app', scopes: ['orders:read'] } })
    const listed = (await listApiKeys(t.deps.db)).find((k) => k.id === id)
    expect(listed).toMatchObject({
      prefix: key.slice(0, 12),
      scopes: ['orders:read'],
      lastUsedAt: expect.any(String),
    })
  })

  it('answers 401 without or with a wrong key and 403 without the scope, in the error envelope', async () => {
    const missing = await call()
    expect(missing.status).toBe(401)
    expect(await missing.json()).toMatchObject({ error: { code: 'API_KEY_INVALID' } })
    expect((await call('tg_test_not-a-real-key')).status).toBe(401)
    const { key } = await createApiKey(t.deps.db, {
      name: 'narrow',
      now: t.deps.clock.now(),
      scopes: ['checkout:write'],
    })
    const forbidden = await call(key)
    expect(forbidden.status).toBe(403)
    expect(await forbidden.json()).toMatchObject({
      error: { code: 'API_SCOPE_MISSING', details: { required: 'orders:read', granted: ['checkout:write'] } },
    })
  })

  it('refuses a revoked key', async () => {
    const { id, key } = await createApiKey(t.deps.db, {
      name: 'gone',
      now: t.deps.clock.now(),
      scopes: ['orders:read'],
    })
    expect((await call(key)).status).toBe(200)
    expect(await revokeApiKey(t.deps.db, id, t.deps.clock.now())).toBe(true)
    expect(await revokeApiKey(t.deps.db, id, t.deps.clock.now())).toBe(false)
    expect((await call(key)).status).toBe(401)
  })

  it('limits each key to its own budget per minute', async () => {
    const now = t.deps.clock.now()
    const small = await createApiKey(t.deps.db, {
      name: 'small',
      now,
      scopes: ['orders:read'],
      ratePerMinute: 2,
    })
    const other = await createApiKey(t.deps.db, {
      name: 'other',
      now,
      scopes: ['orders:read'],
      ratePerMinute: 2,
    })
    const statuses = [await call(small.key), await call(small.key), await call(small.key)].map(
      (r) => r.status,
    )
    expect(statuses).toEqual([200, 200, 429])
    expect((await call(other.key)).status).toBe(200)
  })
})
