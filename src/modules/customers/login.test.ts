import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createAgent, createTestDeps, type TestDeps, testConfig } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { SIGN_IN_BACK_OFF } from '../../http/rate-limit.js'
import { createManualClock } from '../../lib/clock.js'
import { listDevMail } from '../mail/outbox.js'
import { issueAccessToken } from './access-tokens.js'
import { findOrCreateCustomerByEmail } from './customers.js'
import { LOGIN_LIMITS } from './routes.js'

describe.each(DIALECTS)('sign-in on %s', (dialect) => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let origin: string
  const agent = () => createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    app = createApp(t.deps)
    origin = t.deps.config.publicUrl
  })
  afterAll(async () => {
    await t.close()
  })

  async function customerWithToken(email: string): Promise<string> {
    const customer = await findOrCreateCustomerByEmail(t.deps.db, email, t.deps.clock.now())
    return issueAccessToken(t.deps.db, { customerId: customer.id, now: new Date() })
  }

  it('keeps the page a visitor came from when they switch to password sign-in or registration', async () => {
    const page = await (await agent().request('/login?next=%2Fpremium')).text()
    expect(page).toContain('href="/signin?next=%2Fpremium"')
    expect(page).toContain('href="/register?next=%2Fpremium"')
    const offsite = await (await agent().request('/login?next=https%3A%2F%2Fevil.example')).text()
    expect(offsite).toContain('href="/signin"')
  })

  /** @see issue 9: a tab after the first slash used to send a signed-in buyer off-site. */
  it('sends a signed-in buyer only to same-site paths, whatever shape `next` takes', async () => {
    const token = await customerWithToken('redirect@example.com')
    const browser = agent()
    const signIn = await browser.postForm('/login', {
      email: 'redirect@example.com',
      token,
      intent: 'token',
      next: '/\t/evil.example',
    })
    expect(signIn.headers.get('location')).toBe('/library')
    for (const next of ['/%09/evil.example', '//evil.example', '/%5Cevil.example', '/%0D%0A/evil.example']) {
      const res = await browser.request(`/login?next=${encodeURIComponent(next)}`)
      expect(res.headers.get('location')).toBe('/library')
    }
  })

  it('signs in with email and access token, sets a safe cookie, and signs out', async () => {
    const token = await customerWithToken('buyer@example.com')
    const browser = agent()
    expect((await browser.request('/library')).headers.get('location')).toMatch(/^\/login\?next=/)
    const res = await browser.postForm('/login', { email: 'Buyer@Example.com', token, intent: 'token' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/library')
    const cookie = res.headers.getSetCookie().join('\n')
    expect(cookie).toMatch(/tollgate_session=/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).not.toMatch(/Secure/i)
    const library = await browser.request('/library')
    expect(library.status).toBe(200)
    expect(await library.text()).toContain('buyer@example.com')
    expect((await browser.postForm('/logout', {})).status).toBe(303)
    expect((await browser.request('/library')).status).toBe(303)
  })

  it('refuses a wrong token without signing in', async () => {
    await customerWithToken('wrong@example.com')
    const browser = agent()
    const res = await browser.postForm('/login', {
      email: 'wrong@example.com',
      token: 'not-the-token',
      intent: 'token',
    })
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('data-login-error')
    expect(browser.cookies.has('tollgate_session')).toBe(false)
    const unknown = await browser.postForm('/login', {
      email: 'nobody@example.com',
      token: 'x',
      intent: 'token',
    })
    expect(unknown.status).toBe(401)
    // A client asking for JSON gets the envelope, not the page.
    const asJson = await browser.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        email: 'wrong@example.com',
        token: 'not-the-token',
        intent: 'token',
      }).toString(),
    })
    expect(asJson.status).toBe(401)
    expect(await asJson.json()).toMatchObject({ error: { code: 'INVALID_LOGIN' } })
    expect(browser.cookies.has('tollgate_session')).toBe(false)
  })

  /** @see issue 9: eight wrong guesses locked the real owner out for 15 minutes. */
  it('makes a guessing client back off for that account, while the owner still signs in', async () => {
    const token = await customerWithToken('limited@example.com')
    const proxied = createApp({ ...t.deps, config: testConfig({ publicUrl: origin, trustProxy: true }) })
    const from = (ip: string) =>
      createAgent(async (path, init) => {
        const headers = new Headers(init?.headers)
        headers.set('x-forwarded-for', ip)
        return proxied.request(new URL(path, origin).href, { ...init, headers })
      }, origin)
    const attacker = from('203.0.113.9')
    for (let i = 0; i < SIGN_IN_BACK_OFF.freeFailures; i++) {
      const res = await attacker.postForm('/login', {
        email: 'limited@example.com',
        token: `guess-${i}`,
        intent: 'token',
      })
      expect(res.status).toBe(401)
    }
    const wrongAgain = await attacker.postForm('/login', {
      email: 'limited@example.com',
      token: 'guess-x',
      intent: 'token',
    })
    expect(wrongAgain.status).toBe(401) // the first failure past the free ones sets the wait…
    const blocked = await attacker.postForm('/login', {
      email: 'limited@example.com',
      token,
      intent: 'token',
    })
    expect(blocked.status).toBe(429) // …which even the right token must sit out from this client
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(attacker.cookies.has('tollgate_session')).toBe(false)
    // The owner, from their own address, is not locked out by someone else's guesses.
    const owner = await from('198.51.100.7').postForm('/login', {
      email: 'limited@example.com',
      token,
      intent: 'token',
    })
    expect(owner.status).toBe(303)
  })

  /** @see issue 9: anyone could mail-bomb any address through the sign-in link form. */
  it('caps sign-in mails per client and address', async () => {
    await customerWithToken('bombed@example.com')
    const browser = agent()
    const statuses: number[] = []
    for (let i = 0; i <= LOGIN_LIMITS.mailPerClientAndAddress.limit; i++) {
      statuses.push(
        (await browser.postForm('/login', { email: 'bombed@example.com', intent: 'link' })).status,
      )
    }
    expect(statuses.at(-1)).toBe(429)
    expect(await listDevMail(t.deps.db, 'bombed@example.com')).toHaveLength(
      LOGIN_LIMITS.mailPerClientAndAddress.limit,
    )
  })

  it('a sign-in link works once', async () => {
    await customerWithToken('link@example.com')
    const browser = agent()
    const sent = await browser.postForm('/login', { email: 'link@example.com', intent: 'link' })
    expect(sent.status).toBe(200)
    const [mail] = await listDevMail(t.deps.db, 'link@example.com')
    const url = new URL(String(mail?.data.url))
    expect(url.pathname).toBe('/login/link')
    const token = url.searchParams.get('token') ?? ''
    const confirm = await browser.request(`/login/link?token=${encodeURIComponent(token)}`)
    expect(confirm.status).toBe(200)
    expect(browser.cookies.has('tollgate_session')).toBe(false)
    const used = await browser.postForm('/login/link', { token })
    expect(used.status).toBe(303)
    expect(browser.cookies.has('tollgate_session')).toBe(true)
    const again = await agent().postForm('/login/link', { token })
    expect(again.status).toBe(410)
    // Several tabs at the same moment: exactly one is signed in.
    await browser.postForm('/login', { email: 'link@example.com', intent: 'link' })
    const [fresh] = await listDevMail(t.deps.db, 'link@example.com')
    const freshToken = new URL(String(fresh?.data.url)).searchParams.get('token') ?? ''
    expect(freshToken).not.toBe(token)
    const tabs = await Promise.all(
      Array.from({ length: 6 }, () => agent().postForm('/login/link', { token: freshToken })),
    )
    expect(tabs.map((r) => r.status).sort()).toEqual([303, 410, 410, 410, 410, 410])
    // The token left empty, as the form invites, is a request for a link too (not a failed sign-in).
    const before = (await listDevMail(t.deps.db, 'link@example.com')).length
    const empty = await browser.postForm('/login', { email: 'link@example.com', token: '', intent: 'token' })
    expect(empty.status).toBe(200)
    expect(await empty.text()).toContain('Check your email')
    expect(await listDevMail(t.deps.db, 'link@example.com')).toHaveLength(before + 1)
    // An unknown address gets the same answer and no mail.
    const unknown = await browser.postForm('/login', { email: 'ghost@example.com', intent: 'link' })
    expect(unknown.status).toBe(200)
    expect(await listDevMail(t.deps.db, 'ghost@example.com')).toHaveLength(0)
  })

  it('rejects a cross-site form post (CSRF)', async () => {
    const token = await customerWithToken('csrf@example.com')
    const body = new URLSearchParams({ email: 'csrf@example.com', token, intent: 'token' }).toString()
    const headers = { 'content-type': 'application/x-www-form-urlencoded' }
    const evil = await app.request(`${origin}/login`, {
      method: 'POST',
      body,
      headers: { ...headers, origin: 'https://evil.example' },
    })
    expect(evil.status).toBe(403)
    expect(evil.headers.getSetCookie()).toHaveLength(0)
    const noOrigin = await app.request(`${origin}/login`, { method: 'POST', body, headers })
    expect(noOrigin.status).toBe(403)
    const checkout = await app.request(`${origin}/checkout`, {
      method: 'POST',
      body: 'price=field-guide',
      headers: { ...headers, origin: 'https://evil.example' },
    })
    expect(checkout.status).toBe(403)
  })

  it('rolls the session expiry forward when used, and ends it after 30 idle days', async () => {
    const clock = createManualClock(new Date())
    const clocked = createApp({ ...t.deps, clock })
    const browser = createAgent(
      async (path, init) => clocked.request(new URL(path, origin).href, init),
      origin,
    )
    const token = await customerWithToken('rolling@example.com')
    await browser.postForm('/login', { email: 'rolling@example.com', token, intent: 'token' })
    const expiry = async (): Promise<Date> => {
      const row = await t.deps.db
        .selectFrom('sessions')
        .innerJoin('customers', 'customers.id', 'sessions.customer_id')
        .select('sessions.expires_at')
        .where('customers.email', '=', 'rolling@example.com')
        .executeTakeFirstOrThrow()
      return new Date(row.expires_at)
    }
    const first = await expiry()
    // Each step below runs twice: on a session read from the database, and on one answered from
    // the read cache (the lookup's synchronous path), which must roll and end it the same way.
    for (const cached of [false, true]) {
      const start = await expiry()
      if (cached) expect((await browser.request('/library')).status).toBe(200)
      clock.advance(2 * 86_400_000)
      const rolled = await browser.request('/library')
      expect(rolled.status).toBe(200)
      expect(rolled.headers.getSetCookie().join('\n')).toMatch(/tollgate_session=/)
      expect((await expiry()).getTime()).toBe(start.getTime() + 2 * 86_400_000)
    }
    expect((await expiry()).getTime()).toBe(first.getTime() + 4 * 86_400_000)
    // Read once more (cached, no roll: a day has not passed), then past the 30 days: signed out.
    const quiet = await browser.request('/library')
    expect(quiet.status).toBe(200)
    expect(quiet.headers.getSetCookie()).toHaveLength(0)
    clock.advance(31 * 86_400_000)
    expect((await browser.request('/library')).status).toBe(303)
  })

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const secureOrigin = 'https://shop.example'
    const secureApp = createApp({ ...t.deps, config: testConfig({ publicUrl: secureOrigin }) })
    const token = await customerWithToken('secure@example.com')
    const res = await secureApp.request(`${secureOrigin}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: secureOrigin },
      body: new URLSearchParams({ email: 'secure@example.com', token, intent: 'token' }).toString(),
    })
    expect(res.status).toBe(303)
    expect(res.headers.getSetCookie().join('\n')).toMatch(/Secure/)
  })
})
