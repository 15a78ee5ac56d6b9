/**
 * The OpenAPI 3.1 document at /api/v1/openapi.json is valid (checked by @readme/openapi-parser, a
 * maintained OpenAPI validator), describes every /api/v1 route the app answers, and the reference
 * page shows each of them.
 */
import { validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { apiV1Routes } from './routes.js'

describe('the /api/v1 OpenAPI document', () => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let doc: { openapi: string; paths: Record<string, Record<string, unknown>> }

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
