/**
 * @see issue 9: security headers on every HTML response, `__Host-` session cookie under https.
 * @see issue 12: on Node they are put on the socket's response in one call; the same set either way.
 */
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../test/dialects.js'
import { createAgent, createTestDeps, type TestDeps, testConfig } from '../../test/harness.js'
import { createApp } from '../app.js'
import { issueAccessToken } from '../modules/customers/access-tokens.js'
import { findOrCreateCustomerByEmail } from '../modules/customers/customers.js'
import type { AppEnv } from './env.js'
import { requestId } from './request-id.js'
import { API_SECURITY_HEADERS, SECURITY_HEADERS, securityHeaders } from './security-headers.js'

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

/** Serves `fetch` on a free port for the test's duration. */
async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; server: ServerType }> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}
const close = (server: ServerType) => new Promise<void>((resolve) => server.close(() => resolve()))

/** The response's headers, less the ones that differ per response. */
function stableHeaders(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of res.headers)
    if (!['date', 'x-request-id', 'connection', 'keep-alive'].includes(name)) out[name] = value
  return out
}

describe('security headers over a real Node server (sqlite)', () => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
  })
  afterAll(() => t.close())

  it('sends every header once on every response, as app.request does, with a request id each', async () => {
    const app = createApp(t.deps)
    const { server, url } = await listen(app.fetch)
    try {
      const ids = new Set<string>()
      for (const path of [
        '/',
        '/premium',
        '/no-such-page',
        '/api/me/entitlements',
        '/api/no-such-answer',
        '/api/v1/docs',
        '/static/page.js',
        '/healthz',
        '/webhooks/no-such-hook',
      ]) {
        const real = await fetch(url + path, { headers: { accept: 'text/html' }, redirect: 'manual' })
        const body = await real.text()
        // JSON answers under /api/ and /webhooks/ carry the answers' set and none of the pages'
        // others; every page, the API reference among them, the pages' set.
        const answer = /^\/(api|webhooks)\//.test(path) && path !== '/api/v1/docs'
        if (answer) expect(real.headers.get('content-type') ?? '', path).toMatch(/json/)
        if (!answer && real.headers.get('content-type')?.startsWith('text/html'))
          expect(body, path).not.toMatch(INLINE_SCRIPT)
        const expectedSet = answer ? API_SECURITY_HEADERS : SECURITY_HEADERS
        for (const [name, value] of expectedSet) expect(real.headers.get(name), `${path} ${name}`).toBe(value)
        if (answer)
          for (const [name] of SECURITY_HEADERS)
            if (!API_SECURITY_HEADERS.some(([kept]) => kept === name))
              expect(real.headers.get(name), `${path} ${name}`).toBeNull()
        expect(real.headers.get('strict-transport-security'), path).toBeNull()
        const id = real.headers.get('x-request-id') ?? ''
        expect(id, path).toMatch(/^req_[0-9a-z]{26}$/)
        ids.add(id)
        const inMemory = await app.request(new URL(path, t.deps.config.publicUrl).href, {
          headers: { accept: 'text/html' },
        })
        const expected = stableHeaders(inMemory)
        const got = stableHeaders(real)
        for (const [name] of [...SECURITY_HEADERS, ...API_SECURITY_HEADERS])
          expect(got[name.toLowerCase()], `${path} ${name}`).toBe(expected[name.toLowerCase()])
        expect(real.status, path).toBe(inMemory.status)
      }
      expect(ids.size).toBe(9)
      const echoed = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'proxy-given-id-123' } })
      expect(echoed.headers.get('x-request-id')).toBe('proxy-given-id-123')
    } finally {
      await close(server)
    }
  })

  it('adds HSTS when the store is served over https, and a header the route sets wins on either path', async () => {
    const https = createApp({ ...t.deps, config: testConfig({ publicUrl: 'https://store.example' }) })
    const served = await listen(https.fetch)
    try {
      const res = await fetch(`${served.url}/healthz`)
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
    } finally {
      await close(served.server)
    }
    const own = new Hono<AppEnv>()
      .use(requestId())
      .use(securityHeaders())
      .get('/framed', (c) => {
        c.header('X-Frame-Options', 'SAMEORIGIN')
        return c.text('ok')
      })
    const withDeps = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', t.deps)
        await next()
      })
      .route('/', own)
    const node = await listen(withDeps.fetch)
    try {
      const real = await fetch(`${node.url}/framed`)
      expect(real.headers.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(real.headers.get('x-content-type-options')).toBe('nosniff')
    } finally {
      await close(node.server)
    }
    const inMemory = await withDeps.request('http://localhost/framed')
    expect(inMemory.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(inMemory.headers.get('x-content-type-options')).toBe('nosniff')
  })
})
