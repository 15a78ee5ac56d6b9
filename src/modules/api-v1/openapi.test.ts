/**
 * The OpenAPI 3.1 document at /api/v1/openapi.json is valid (checked by @readme/openapi-parser, a
 * maintained OpenAPI validator), describes every /api/v1 route the app answers, and the reference
 * page shows each of them. Each error answer lists its codes, and every answer the routes give to
 * good and bad requests (no key, wrong scope, bad or unreadable bodies, unknown ids, Stripe
 * unreachable) has its status and code in the document.
 */
import { validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { createApiKey } from '../api-access/index.js'
import { findOrCreateCustomerByEmail } from '../customers/index.js'
import { apiV1Routes } from './routes.js'

type Operation = {
  requestBody?: unknown
  security?: unknown
  responses: Record<string, { content?: Record<string, { schema?: ErrorSchema }> }>
}
type ErrorSchema = { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } }

describe('the /api/v1 OpenAPI document', () => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> }

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    app = createApp(t.deps)
    const res = await app.request(new URL('/api/v1/openapi.json', t.deps.config.publicUrl).href)
    expect(res.status).toBe(200)
    doc = (await res.json()) as typeof doc
  })
  afterAll(() => t.close())

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(doc) as never)
    expect(result.valid ? [] : result.errors).toEqual([])
  })

  it('lists every /api/v1 route the app serves, except the document and its page', async () => {
    const served = apiV1Routes.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
      .filter((r) => !['/api/v1/openapi.json', '/api/v1/docs'].includes(r.path))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    )
    expect(served.length).toBeGreaterThanOrEqual(6)
    expect([...new Set(served)].sort()).toEqual(documented.sort())
  })

  it('documents the bearer scheme, the error envelope and strict bodies', () => {
    const text = JSON.stringify(doc)
    expect(text).toContain('"bearerAuth"')
    expect(text).toContain('"API_INVALID_PARAMETER"')
    const create = (
      doc as unknown as { components: { schemas: Record<string, { additionalProperties?: boolean }> } }
    ).components.schemas.CheckoutSessionCreate
    expect(create?.additionalProperties).toBe(false)
  })

  it('lists the codes of every error answer, and what a body or a key can be refused with', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses)
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          const codes =
            op.responses[status]?.content?.['application/json']?.schema?.properties?.error?.properties?.code
              ?.enum
          expect(codes, `${method} ${path} ${status}`).toEqual(expect.arrayContaining([expect.any(String)]))
        }
        if (op.requestBody)
          expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['413', '415']))
        if (op.security) {
          expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403', '429']))
        }
      }
    }
  })

  it('documents the status and code of every answer the routes give', async () => {
    const now = t.deps.clock.now()
    const all = [
      'checkout:write',
      'orders:read',
      'customers:read',
      'entitlements:read',
      'grants:write',
    ] as const
    const key = (await createApiKey(t.deps.db, { name: 'all', now, scopes: [...all, 'licenses:write'] })).key
    const narrow = (await createApiKey(t.deps.db, { name: 'narrow', now, scopes: ['orders:read'] })).key
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'doc@example.com', now)
    const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) })
    const line = { amount: 1000, currency: 'usd', product_name: 'Thing' }
    const grant = { customer_email: 'doc@example.com', feature: 'premium', reason: 'docs' }
    const licenseKey = 'x'.repeat(40)
    type Case = { op: string; url: string; k?: string; 'content-type'?: string; body?: string }
    const cases: Case[] = [
      { op: 'post /api/v1/checkout-sessions', url: '/api/v1/checkout-sessions', k: '', ...json(line) },
      { op: 'post /api/v1/checkout-sessions', url: '/api/v1/checkout-sessions', k: narrow, ...json(line) },
      { op: 'post /api/v1/checkout-sessions', url: '/api/v1/checkout-sessions', ...json({ colour: 1 }) },
      {
        op: 'post /api/v1/checkout-sessions',
        url: '/api/v1/checkout-sessions',
        ...json({ ...line, customer_id: 'cu_nobody' }),
      },
      { op: 'post /api/v1/checkout-sessions', url: '/api/v1/checkout-sessions', ...json(line) }, // Stripe down
      {
        op: 'post /api/v1/checkout-sessions',
        url: '/api/v1/checkout-sessions',
        'content-type': 'text/plain',
        body: JSON.stringify(line),
      },
      {
        op: 'post /api/v1/checkout-sessions',
        url: '/api/v1/checkout-sessions',
        'content-type': 'application/x-www-form-urlencoded',
        body: 'amount=1000',
      },
      {
        op: 'post /api/v1/checkout-sessions',
        url: '/api/v1/checkout-sessions',
        'content-type': 'application/json',
        body: '{"amount":',
      },
      {
        op: 'post /api/v1/checkout-sessions',
        url: '/api/v1/checkout-sessions',
        'content-type': 'application/json',
        body: `{"product_name":"${'x'.repeat(1024 * 1024)}"}`,
      },
      { op: 'get /api/v1/orders/{id}', url: '/api/v1/orders/ord_missing' },
      { op: 'get /api/v1/orders/{id}', url: '/api/v1/orders/nope' },
      { op: 'get /api/v1/customers', url: '/api/v1/customers?limit=2' },
      { op: 'get /api/v1/customers', url: '/api/v1/customers?limit=0' },
      { op: 'get /api/v1/customers/{id}/entitlements', url: `/api/v1/customers/${customer.id}/entitlements` },
      { op: 'get /api/v1/customers/{id}/entitlements', url: '/api/v1/customers/cu_missing/entitlements' },
      { op: 'post /api/v1/grants', url: '/api/v1/grants', ...json(grant) },
      { op: 'post /api/v1/grants', url: '/api/v1/grants', ...json({ ...grant, feature: 'bogus' }) },
      {
        op: 'post /api/v1/grants',
        url: '/api/v1/grants',
        ...json({ customer_id: 'cu_missing', feature: 'premium', reason: 'docs' }),
      },
      { op: 'post /api/v1/grants', url: '/api/v1/grants', 'content-type': 'text/plain', body: 'x' },
      { op: 'post /api/v1/grants', url: '/api/v1/grants', 'content-type': 'application/json', body: '{' },
      { op: 'delete /api/v1/grants/{id}', url: '/api/v1/grants/grt_missing' },
      { op: 'get /api/v1/licenses/{id}', url: '/api/v1/licenses/lic_missing' },
      { op: 'get /api/v1/customers/{id}/licenses', url: `/api/v1/customers/${customer.id}/licenses` },
      { op: 'get /api/v1/customers/{id}/licenses', url: '/api/v1/customers/cu_missing/licenses' },
      {
        op: 'post /api/v1/licenses/{id}/revoke',
        url: '/api/v1/licenses/lic_missing/revoke',
        ...json({ reason: 'x' }),
      },
      {
        op: 'post /api/v1/licenses/{id}/revoke',
        url: '/api/v1/licenses/lic_missing/revoke',
        'content-type': 'text/plain',
        body: 'x',
      },
      {
        op: 'post /api/v1/licenses/validate',
        url: '/api/v1/licenses/validate',
        ...json({ key: licenseKey }),
      },
      { op: 'post /api/v1/licenses/validate', url: '/api/v1/licenses/validate', ...json({ key: 'short' }) },
      {
        op: 'post /api/v1/licenses/validate',
        url: '/api/v1/licenses/validate',
        'content-type': 'text/plain',
        body: 'x',
      },
      {
        op: 'post /api/v1/licenses/activate',
        url: '/api/v1/licenses/activate',
        'content-type': 'application/json',
        body: '[',
      },
      {
        op: 'post /api/v1/licenses/deactivate',
        url: '/api/v1/licenses/deactivate',
        ...json({ key: licenseKey, activation_id: 'lac_x' }),
      },
    ]
    const seen = new Set<string>()
    for (const c of cases) {
      const [method, path] = c.op.split(' ') as [string, string]
      const headers: Record<string, string> = {}
      if (c.k !== '') headers.authorization = `Bearer ${c.k ?? key}`
      if (c['content-type']) headers['content-type'] = c['content-type']
      const res = await app.request(new URL(c.url, t.deps.config.publicUrl).href, {
        method: method.toUpperCase(),
        headers,
        ...(c.body !== undefined ? { body: c.body } : {}),
      })
      const answer = (await res.json()) as { error?: { code: string } }
      const documented = doc.paths[path]?.[method]?.responses[String(res.status)]
      const where = `${c.op} ${c.url} answered ${res.status} ${answer.error?.code ?? ''}`
      expect(documented, where).toBeDefined()
      if (answer.error) {
        const codes =
          documented?.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum
        expect(codes, where).toContain(answer.error.code)
      }
      seen.add(`${c.op} ${res.status}`)
    }
    // The table provokes what it means to: each of these was answered at least once.
    for (const expected of [
      'post /api/v1/checkout-sessions 401',
      'post /api/v1/checkout-sessions 403',
      'post /api/v1/checkout-sessions 404',
      'post /api/v1/checkout-sessions 413',
      'post /api/v1/checkout-sessions 415',
      'post /api/v1/checkout-sessions 502',
      'post /api/v1/grants 201',
      'post /api/v1/grants 415',
      'post /api/v1/licenses/validate 404',
    ]) {
      expect(seen).toContain(expected)
    }
  }, 60_000)

  it('renders a reference page with every operation', async () => {
    const res = await app.request(new URL('/api/v1/docs', t.deps.config.publicUrl).href)
    expect(res.status).toBe(200)
    const html = await res.text()
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops))
        expect(html).toContain(`data-operation="${method.toUpperCase()} ${path}"`)
    }
  })
})
