import { HTTPException } from 'hono/http-exception'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { createTestDeps, type TestDeps } from '../../test/harness.js'
import { createApp } from '../app.js'
import { validate } from '../http/validate.js'
import { AppError } from '../lib/errors.js'

describe('error envelope', () => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    app = createApp(t.deps)
    app.get('/api/price', () => {
      throw new AppError('PRICE_NOT_FOUND', { details: { price: 'nope' } })
    })
    app.get('/page', () => {
      throw new AppError('PRICE_NOT_FOUND')
    })
    app.get('/boom', () => {
      throw new Error('secret internals')
    })
    app.post('/api/items', validate('json', z.object({ price: z.string().min(1) })), (c) =>
      c.json(c.req.valid('json')),
    )
    app.post('/form', (c) => c.text('ok'))
    app.get('/api/guarded', () => {
      const res = new Response('Unauthorized', {
        status: 401,
        headers: { 'WWW-Authenticate': 'Basic realm="tollgate"', 'content-type': 'text/plain' },
      })
      throw new HTTPException(401, { res })
    })
  })
  afterAll(() => t.close())

  it('answers API paths with the JSON envelope and the request id', async () => {
    const res = await app.request('/api/price')
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } }
    expect(body.error).toEqual({
      code: 'PRICE_NOT_FOUND',
      message: 'Unknown price.',
      requestId: res.headers.get('x-request-id'),
      details: { price: 'nope' },
    })
  })

  it('renders the same error as a page for browsers', async () => {
    const res = await app.request('/page', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('text/html')
    const html = await res.text()
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('data-error-code="PRICE_NOT_FOUND"')
    expect(html).toContain('Unknown price.')
    expect(html).toContain(res.headers.get('x-request-id') as string)
  })

  it('hides unexpected errors behind a 500 with the request id', async () => {
    const res = await app.request('/boom', {
      headers: { accept: 'application/json', 'x-request-id': 'trace-12345678' },
    })
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side.', requestId: 'trace-12345678' },
    })
    expect(text).not.toContain('secret internals')
  })

  it('turns validation failures into INVALID_REQUEST (422) with the issues', async () => {
    const res = await app.request('/api/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ price: '' }),
    })
    expect(res.status).toBe(422)
    const body = (await res.json()) as {
      error: { code: string; details: { fieldErrors: Record<string, string[]> } }
    }
    expect(body.error.code).toBe('INVALID_REQUEST')
    expect(Object.keys(body.error.details.fieldErrors)).toEqual(['price'])
  })

  it('answers unknown paths with 404 in both forms', async () => {
    expect((await app.request('/nope', { headers: { accept: 'application/json' } })).status).toBe(404)
    const page = await app.request('/nope', { headers: { accept: 'text/html' } })
    expect(page.status).toBe(404)
    expect(await page.text()).toContain('Not found')
  })

  it('refuses cross-site form posts (CSRF) and accepts same-origin ones', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const evil = await app.request('http://localhost:3000/form', {
      method: 'POST',
      headers: { ...form, origin: 'https://evil.example' },
      body: 'a=1',
    })
    expect(evil.status).toBe(403)
    expect(evil.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await evil.text()).toContain('did not come from this store')
    // Under /api/ the refusal is the JSON envelope, as every other error there.
    const api = await app.request('http://localhost:3000/api/items', {
      method: 'POST',
      headers: { ...form, origin: 'https://evil.example' },
      body: 'price=x',
    })
    expect(api.status).toBe(403)
    expect(await api.json()).toEqual({
      error: {
        code: 'FORBIDDEN',
        message: expect.stringContaining("did not come from this store's own pages"),
        requestId: expect.stringMatching(/^req_/),
      },
    })
    const ok = await app.request('http://localhost:3000/form', {
      method: 'POST',
      headers: { ...form, origin: 'http://localhost:3000' },
      body: 'a=1',
    })
    expect(ok.status).toBe(200)
  })

  it('names a body that is not JSON, or not JSON at all, with the codes of our own errors', async () => {
    const json = { 'content-type': 'application/json', origin: 'http://localhost:3000' }
    const malformed = await app.request('/api/checkout-sessions', {
      method: 'POST',
      headers: json,
      body: '{"price":',
    })
    expect(malformed.status).toBe(400)
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST')
    const text = { 'content-type': 'text/plain', origin: 'http://localhost:3000' }
    const plain = await app.request('/api/checkout-sessions', {
      method: 'POST',
      headers: text,
      body: 'price=x',
    })
    expect(plain.status).toBeGreaterThanOrEqual(400)
    expect(((await plain.json()) as { error: { code: string } }).error.code).not.toMatch(/^HTTP_/)
  })

  it("keeps the headers a refusal's own response carries, in the envelope's form", async () => {
    const res = await app.request('/api/guarded')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="tollgate"')
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'Request refused.', requestId: expect.stringMatching(/^req_/) },
    })
  })

  it('sets security headers and shows the test-mode banner only in test mode', async () => {
    const res = await app.request('/nope', { headers: { accept: 'text/html' } })
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(await res.text()).toContain('Test mode')
    const live = createApp({ ...t.deps, config: { ...t.deps.config, testMode: false } })
    expect(await (await live.request('/nope', { headers: { accept: 'text/html' } })).text()).not.toContain(
      'Test mode',
    )
  })
})
