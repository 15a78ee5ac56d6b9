/** @see issue 9: security headers on every HTML response, `__Host-` session cookie under https. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../test/dialects.js'
import { createAgent, createTestDeps, type TestDeps, testConfig } from '../../test/harness.js'
import { createApp } from '../app.js'
import { issueAccessToken } from '../modules/customers/access-tokens.js'
import { findOrCreateCustomerByEmail } from '../modules/customers/customers.js'

const PAGES = ['/', '/login', '/signin', '/register', '/password/forgot', '/pricing', '/no-such-page']
const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>/i

describe.each(DIALECTS)('security headers on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
  })
  afterAll(() => t.close())

  it('sends a CSP without inline script, nosniff, a referrer policy and no framing on every page', async () => {
    const app = createApp(t.deps)
    for (const path of PAGES) {
      const res = await app.request(new URL(path, t.deps.config.publicUrl).href, {
        headers: { accept: 'text/html' },
      })
      expect(res.status, path).toBeLessThan(500)
      const csp = res.headers.get('content-security-policy') ?? ''
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? ''
      expect(scriptSrc, path).toBe("'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("object-src 'none'")
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('same-origin')
      expect(res.headers.get('strict-transport-security')).toBeNull() // plain http: no HSTS
      expect(await res.text(), path).not.toMatch(INLINE_SCRIPT)
    }
    const script = await app.request(new URL('/static/page.js', t.deps.config.publicUrl).href)
    expect(script.headers.get('content-type')).toMatch(/javascript/)
  })

  it('under https: HSTS, and a Secure __Host- session cookie; the old cookie name still signs in', async () => {
    const origin = 'https://store.example'
    const app = createApp({ ...t.deps, config: testConfig({ publicUrl: origin }) })
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'https@example.com', t.deps.clock.now())
    const token = await issueAccessToken(t.deps.db, { customerId: customer.id, now: t.deps.clock.now() })
    const browser = createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)
    const home = await browser.request('/')
    expect(home.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    const signIn = await browser.postForm('/login', { email: 'https@example.com', token, intent: 'token' })
    expect(signIn.status).toBe(303)
    const cookie = signIn.headers.getSetCookie().join('\n')
    expect(cookie).toMatch(/^__Host-tollgate_session=[^;]+;.*Path=\/.*Secure/im)
    expect(cookie).not.toMatch(/Domain=/i)
    expect((await browser.request('/library')).status).toBe(200)

    const value = browser.cookies.get('__Host-tollgate_session') ?? ''
    const legacy = await app.request(new URL('/library', origin).href, {
      headers: { cookie: `tollgate_session=${value}`, accept: 'text/html' },
    })
    expect(legacy.status).toBe(200)
    expect((await browser.postForm('/logout', {})).status).toBe(303)
    expect((await browser.request('/library')).status).toBe(303)
  })
})
