/**
 * Every /admin route, enumerated from the app's router, refuses anyone who is not an admin with the
 * ordinary 404 (anonymous, a signed-in customer, an admin address signed in by access token only);
 * an admin passes; changes need a session younger than 12 hours and are audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { type Agent, createAgent, createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { SESSION_COOKIE } from '../../http/session.js'
import { createManualClock } from '../../lib/clock.js'
import { newId } from '../../lib/ids.js'
import { generateToken, hashToken } from '../../lib/tokens.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { insertSession } from '../customers/repo.js'
import type { SessionProof } from '../customers/table.js'
import { listAuditEntries } from './repo.js'

const ADMIN = 'owner@example.com'

describe.each(DIALECTS)('admin access on %s', (dialect) => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let origin: string
  const clock = createManualClock(new Date('2026-12-01T09:00:00.000Z'))

  async function signedIn(email: string, proof: SessionProof): Promise<Agent> {
    const customer = await findOrCreateCustomerByEmail(t.deps.db, email, clock.now())
    const token = generateToken()
    const now = clock.now()
    await insertSession(t.deps.db, {
      id: newId('ses', now.getTime()),
      customer_id: customer.id,
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
      proof,
    })
    const agent = createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)
    agent.cookies.set(SESSION_COOKIE, token)
    return agent
  }

  function adminRoutes(): { method: string; path: string }[] {
    const seen = new Set<string>()
    return app.routes
      .filter((r) => r.path.startsWith('/admin') && r.method !== 'ALL')
      .map((r) => ({ method: r.method, path: r.path.replace(/:[a-z]+/gi, 'x_1') }))
      .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`) !== undefined)
  }

  async function send(agent: Agent, route: { method: string; path: string }): Promise<Response> {
    if (route.method === 'GET') return agent.request(route.path)
    return agent.postForm(route.path, { reason: 'probe', intent: 'grant', feature: 'x', action: 'cancel' })
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect, { clock })
    const deps = { ...t.deps, config: { ...t.deps.config, adminEmails: [ADMIN] } }
    app = createApp(deps)
    origin = deps.config.publicUrl
  })
  afterAll(async () => {
    await t.close()
  })

  it('finds the console routes in the router', () => {
    const paths = adminRoutes().map((r) => `${r.method} ${r.path}`)
    expect(paths).toContain('GET /admin')
    expect(paths).toContain('POST /admin/orders/x_1/refund')
    expect(paths).toContain('POST /admin/subscriptions/x_1/change')
    expect(paths.length).toBeGreaterThan(15)
  })

  it('answers every admin route with the ordinary 404 for anyone but an admin', async () => {
    const anonymous = createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)
    const customer = await signedIn('buyer@example.com', 'password')
    const tokenOnly = await signedIn(ADMIN, 'token')
    for (const who of [anonymous, customer, tokenOnly]) {
      // The same page a path that does not exist gets, for this visitor.
      const expected = (await (await who.request('/no-such-page')).text()).replace(/req_\w+/g, 'REQ')
      for (const route of adminRoutes()) {
        const res = await send(who, route)
        expect(res.status, `${route.method} ${route.path}`).toBe(404)
        const body = (await res.text()).replace(/req_\w+/g, 'REQ')
        expect(body, `${route.method} ${route.path}`).toBe(expected)
      }
    }
    expect((await listAuditEntries(t.deps.db, { limit: 10, offset: 0 })).length).toBe(0)
  })

  it('lets an admin in, and sends a stale session to sign in again before a change', async () => {
    const admin = await signedIn(ADMIN, 'link')
    const page = await admin.request('/admin')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('data-metric="mrr"')
    const buyer = await findOrCreateCustomerByEmail(t.deps.db, 'someone@example.com', clock.now())
    clock.advance(13 * 3_600_000)
    expect((await admin.request('/admin/customers')).status).toBe(200)
    const stale = await admin.postForm(`/admin/customers/${buyer.id}/sign-out`, {})
    expect(stale.status).toBe(303)
    expect(stale.headers.get('location')).toMatch(/^\/admin\/reauth\?next=/)
    expect((await listAuditEntries(t.deps.db, { limit: 10, offset: 0 })).length).toBe(0)
    const fresh = await signedIn(ADMIN, 'password')
    const done = await fresh.postForm(`/admin/customers/${buyer.id}/sign-out`, {})
    expect(done.status).toBe(303)
    const [entry] = await listAuditEntries(t.deps.db, { customerId: buyer.id, limit: 10, offset: 0 })
    expect(entry).toMatchObject({
      actor_email: ADMIN,
      action: 'customer.sign_out_everywhere',
      target_id: buyer.id,
    })
  })

  it('refuses a form from another site (CSRF) before anything changes', async () => {
    const admin = await signedIn(ADMIN, 'link')
    const buyer = await findOrCreateCustomerByEmail(t.deps.db, 'csrf@example.com', clock.now())
    const res = await admin.request(`/admin/customers/${buyer.id}/sign-out`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    })
    expect(res.status).toBe(403)
    expect((await listAuditEntries(t.deps.db, { customerId: buyer.id, limit: 10, offset: 0 })).length).toBe(0)
  })
})
