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

  it('gives the SEPA test IBAN in the test-mode banner only when the catalog has a euro price', async () => {
    const withEuro = await (await createApp(t.deps).request('/')).text()
    expect(t.deps.catalog.prices.some((p) => p.currency === 'eur')).toBe(true)
    expect(withEuro).toContain('AT61 1904 3002 3457 3201')
    const prices = t.deps.catalog.prices.filter((p) => p.currency !== 'eur')
    const noEuro = createApp({ ...t.deps, catalog: { ...t.deps.catalog, prices } })
    const page = await (await noEuro.request('/')).text()
    expect(page).toContain('4242 4242 4242 4242')
    expect(page).not.toContain('SEPA (euro prices)')
  })
})
