import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../../test/harness.js'
import { createApp } from '../app.js'

describe('web routes', () => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
  })
  afterAll(() => t.close())

  it('serves the stylesheet', async () => {
    const app = createApp(t.deps)
    const css = await app.request('/static/style.css')
    expect(css.headers.get('content-type')).toContain('text/css')
    expect(await css.text()).toContain('.test-banner')
  })
})
