import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { type Agent, createAgent, createTestDeps, type TestDeps, testConfig } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { findCustomerByEmail } from '../customers/repo.js'
import { listDevMail } from '../mail/outbox.js'
import { hashPassword, verifyPassword } from './passwords.js'
import { ACCOUNT_LIMITS } from './routes.js'

describe.each(DIALECTS)('accounts on %s', (dialect) => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let origin: string
  const agent = (): Agent =>
    createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    app = createApp(t.deps)
    origin = t.deps.config.publicUrl
  })
  afterAll(async () => {
    await t.close()
  })

  async function lastLink(email: string, template: string): Promise<string> {
    const mail = (await listDevMail(t.deps.db, email)).find((m) => m.template === template)
    expect(mail, `a ${template} email to ${email}`).toBeDefined()
    const url = new URL(String(mail?.data.url))
    return `${url.pathname}${url.search}`
  }

  async function confirm(browser: Agent, link: string): Promise<Response> {
    const token = new URL(link, origin).searchParams.get('token') ?? ''
    expect((await browser.request(link)).status).toBe(200)
    return browser.postForm('/account/confirm', { token })
  }

  it('registers only once the email is proven, then signs in with the password', async () => {
    const browser = agent()
    const res = await browser.postForm('/register', {
      email: 'New@Example.com',
      password: 'correct horse battery',
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('data-check-email')
    expect(browser.cookies.has('tollgate_session')).toBe(false)
    // Not usable before the email is proven.
    const early = await agent().postForm('/signin', {
      email: 'new@example.com',
      password: 'correct horse battery',
    })
    expect(early.status).toBe(401)
    const confirmed = await confirm(browser, await lastLink('new@example.com', 'account-confirm'))
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('/account')
    expect((await browser.request('/account')).status).toBe(200)

    const other = agent()
    const signedIn = await other.postForm('/signin', {
      email: 'new@example.com',
      password: 'correct horse battery',
    })
    expect(signedIn.status).toBe(303)
    expect(other.cookies.has('tollgate_session')).toBe(true)
  })

  it('uses a confirmation link once only', async () => {
    const browser = agent()
    await browser.postForm('/register', { email: 'once@example.com', password: 'a long enough password' })
    const link = await lastLink('once@example.com', 'account-confirm')
    expect((await confirm(browser, link)).status).toBe(303)
    expect((await confirm(agent(), link)).status).toBe(410)
  })

  it('uses a confirmation link once only when several tabs confirm at the same moment', async () => {
    await agent().postForm('/register', { email: 'tabs@example.com', password: 'a long enough password' })
    const link = await lastLink('tabs@example.com', 'account-confirm')
    const answers = await Promise.all(Array.from({ length: 6 }, () => confirm(agent(), link)))
    expect(answers.map((r) => r.status).sort()).toEqual([303, 410, 410, 410, 410, 410])
  })

  it('refuses a short password as a field error: the form again for a browser, the envelope for JSON', async () => {
    const page = await agent().postForm('/register', { email: 'brief@example.com', password: 'short' })
    expect(page.status).toBe(422)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('Choose a password of at least 10 characters.')

    const asJson = (path: string, fields: Record<string, string>) =>
      agent().request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(fields).toString(),
      })
    for (const res of [
      await asJson('/register', { email: 'brief@example.com', password: 'short' }),
      await asJson('/password/reset', { token: 'x'.repeat(20), password: 'short' }),
    ]) {
      expect(res.status).toBe(422)
      expect(await res.json()).toMatchObject({
        error: {
          code: 'INVALID_REQUEST',
          message: 'Choose a password of at least 10 characters.',
          details: { fieldErrors: { password: ['Choose a password of at least 10 characters.'] } },
        },
      })
    }
    expect(await findCustomerByEmail(t.deps.db, 'brief@example.com')).toBeUndefined()
  })

  it('refuses short passwords and wrong or unknown credentials the same way', async () => {
    const short = await agent().postForm('/register', { email: 'short@example.com', password: 'short' })
    expect(short.status).toBe(422)
    const wrong = await agent().postForm('/signin', {
      email: 'new@example.com',
      password: 'wrong password!!',
    })
    const unknown = await agent().postForm('/signin', {
      email: 'nobody@example.com',
      password: 'whatever password',
    })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await wrong.text()).toContain('data-form-error')
    expect(await unknown.text()).toContain('data-form-error')
    // A client asking for JSON gets the envelope, the same for a wrong password and an unknown address.
    for (const email of ['new@example.com', 'nobody@example.com']) {
      const res = await agent().request('/signin', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ email, password: 'wrong password!!' }).toString(),
      })
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } })
    }
  })

  it('lets a guest buyer claim the customer record by proving the email (one customer per person)', async () => {
    const guest = await findOrCreateCustomerByEmail(t.deps.db, 'guest@example.com', t.deps.clock.now())
    const browser = agent()
    await browser.postForm('/register', { email: 'guest@example.com', password: 'my new password' })
    expect((await confirm(browser, await lastLink('guest@example.com', 'account-confirm'))).status).toBe(303)
    const row = await findCustomerByEmail(t.deps.db, 'guest@example.com')
    expect(row?.id).toBe(guest.id)
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })

  it('does not let a second registration replace an existing password', async () => {
    await agent().postForm('/register', { email: 'new@example.com', password: 'attacker password' })
    expect(await lastLink('new@example.com', 'account-exists')).toMatch(/^\/password\/reset\?token=/)
    const still = await agent().postForm('/signin', {
      email: 'new@example.com',
      password: 'correct horse battery',
    })
    expect(still.status).toBe(303)
  })

  it('resets a password by a single-use link and signs out other sessions', async () => {
    const old = agent()
    await old.postForm('/signin', { email: 'new@example.com', password: 'correct horse battery' })
    expect((await old.request('/account')).status).toBe(200)
    const forgot = await agent().postForm('/password/forgot', { email: 'new@example.com' })
    expect(forgot.status).toBe(200)
    const link = await lastLink('new@example.com', 'password-reset')
    const token = new URL(link, origin).searchParams.get('token') ?? ''
    const browser = agent()
    expect((await browser.request(link)).status).toBe(200)
    const reset = await browser.postForm('/password/reset', { token, password: 'a brand new password' })
    expect(reset.status).toBe(303)
    expect((await browser.request('/account')).status).toBe(200)
    expect((await old.request('/account')).status).toBe(303)
    expect(
      (await agent().postForm('/password/reset', { token, password: 'another new password' })).status,
    ).toBe(410)
    const signin = await agent().postForm('/signin', {
      email: 'new@example.com',
      password: 'a brand new password',
    })
    expect(signin.status).toBe(303)
  })

  it('answers "forgot password" the same for unknown addresses and sends nothing', async () => {
    const res = await agent().postForm('/password/forgot', { email: 'ghost@example.com' })
    expect(res.status).toBe(200)
    expect(await listDevMail(t.deps.db, 'ghost@example.com')).toHaveLength(0)
  })

  it('makes a client that guesses passwords back off', async () => {
    let last = 0
    for (let i = 0; i < 10; i++) {
      last = (
        await agent().postForm('/signin', { email: 'limited@example.com', password: `guess number ${i}` })
      ).status
    }
    expect(last).toBe(429)
  })

  /** @see issue 9: one global key let anybody's failed attempts lock out every user. */
  it('limits confirm and reset attempts per client, never for everyone', async () => {
    const proxied = createApp({ ...t.deps, config: testConfig({ publicUrl: origin, trustProxy: true }) })
    const post = (ip: string, path: string) =>
      proxied.request(new URL(path, origin).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'x-forwarded-for': ip },
        body: new URLSearchParams({ token: 'not-a-real-token-0123456789', password: 'a brand new password' }),
      })
    for (const path of ['/account/confirm', '/password/reset']) {
      let last = 0
      for (let i = 0; i <= ACCOUNT_LIMITS.perClient.limit; i++)
        last = (await post('203.0.113.50', path)).status
      expect(last).toBe(429)
      expect((await post('198.51.100.20', path)).status).toBe(410)
    }
  })

  it('refuses a cross-site form post (CSRF)', async () => {
    const res = await app.request(new URL('/signin', origin).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ email: 'new@example.com', password: 'a brand new password' }).toString(),
    })
    expect(res.status).toBe(403)
  })
})

describe('password hashing', () => {
  it('hashes with argon2id and verifies; a missing hash never verifies', async () => {
    const hash = await hashPassword('correct horse battery')
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true)
    expect(await verifyPassword(hash, 'wrong horse battery')).toBe(false)
    expect(await verifyPassword(null, 'correct horse battery')).toBe(false)
  })
})
