import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { type Agent, createAgent, createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { hashPassword } from '../accounts/passwords.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { setPasswordHash } from '../customers/repo.js'
import { grantManually, revokeManually } from './manual-grants.js'

describe.each(DIALECTS)('members-only pages on %s', (dialect) => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let origin: string
  let reader: Agent

  beforeAll(async () => {
    // deps.stripe points at a closed port: these pages must never need Stripe.
    t = await createTestDeps(dialect)
    app = createApp(t.deps)
    origin = t.deps.config.publicUrl
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'reader@example.com', t.deps.clock.now())
    await setPasswordHash(t.deps.db, customer.id, await hashPassword('reader password'))
    reader = createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)
    await reader.postForm('/signin', { email: 'reader@example.com', password: 'reader password' })
  })
  afterAll(async () => {
    await t.close()
  })

  it('sends signed-out visitors to sign in', async () => {
    const res = await app.request(new URL('/premium', origin).href, { headers: { accept: 'text/html' } })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toContain('next=%2Fpremium')
  })

  it('answers a JSON client in the error envelope, pointing a recurring feature at the plans', async () => {
    const json = { headers: { accept: 'application/json' } }
    const anonymous = await app.request(new URL('/premium', origin).href, json)
    expect(anonymous.status).toBe(401)
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED')
    const refused = await reader.request('/premium', json)
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({
      code: 'NO_ACCESS',
      details: { feature: 'premium', access: 'none', buy: [], plans: '/pricing' },
    })
    expect((await app.request(new URL('/members', origin).href, json)).status).toBe(401)
  })

  it('refuses without the feature, renders the Markdown with it, refuses again after a revoke', async () => {
    expect((await reader.request('/premium')).status).toBe(403)
    await t.deps.db
      .transaction()
      .execute((trx) =>
        grantManually(t.deps, trx, { email: 'reader@example.com', feature: 'premium', reason: 'test' }),
      )
    const open = await reader.request('/premium')
    expect(open.status).toBe(200)
    const html = await open.text()
    expect(html).toContain(
      '<article class="card member-page" data-member-page="/premium"><h1>Premium articles</h1>',
    )
    expect(html).toContain('<strong>premium</strong>')
    await t.deps.db
      .transaction()
      .execute((trx) =>
        revokeManually(t.deps, trx, { email: 'reader@example.com', feature: 'premium', reason: 'test' }),
      )
    const closed = await reader.request('/premium')
    expect(closed.status).toBe(403)
    const closedHtml = await closed.text()
    expect(closedHtml).toContain('data-access="revoked"')
    expect(closedHtml).toContain('The store ended your access to this.')
  })

  it('a grant with an end date stops at that date', async () => {
    const until = new Date(Date.now() - 1000)
    await t.deps.db.transaction().execute((trx) =>
      grantManually(t.deps, trx, {
        email: 'reader@example.com',
        feature: 'premium',
        until,
        reason: 'ended',
      }),
    )
    expect((await reader.request('/premium')).status).toBe(403)
  })

  it('leaves other paths alone', async () => {
    expect((await reader.request('/no-such-page')).status).toBe(404)
  })
})
