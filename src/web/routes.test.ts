import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../../test/harness.js'
import { createApp } from '../app.js'

describe('web routes', () => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
  })
  afterAll(() => t.close())

  it('serves the stylesheet and a health check', async () => {
    const app = createApp(t.deps)
    const css = await app.request('/static/style.css')
    expect(css.headers.get('content-type')).toContain('text/css')
    expect(await css.text()).toContain('.test-banner')
    const health = await app.request('/healthz')
    expect(await health.json()).toEqual({ ok: true })
  })

  it('fails the health check when the database is gone', async () => {
    const gone = await createTestDeps('sqlite')
    await gone.close()
    const res = await createApp(gone.deps).request('/healthz', { headers: { accept: 'application/json' } })
    expect(res.status).toBe(500)
  })
})
