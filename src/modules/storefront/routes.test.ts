import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'

describe('GET / (storefront)', () => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
  })
  afterAll(() => t.close())

  it('lists every one-time product with a Buy form per price, and points to the plans', async () => {
    const res = await createApp(t.deps).request('/', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(200)
    const html = await res.text()
    const forms = [...html.matchAll(/<form method="post" action="\/checkout"[^>]*data-price="([^"]+)"/g)].map(
      (m) => m[1],
    )
    expect(forms).toEqual(['field-guide', 'workshop-notes', 'tokyo-edition-jpy', 'berlin-edition-eur'])
    expect(html).toContain('<input type="hidden" name="price" value="tokyo-edition-jpy"/>')
    expect(html).toContain('Buy for ¥1,500')
    expect(html).toContain('Buy for $19.00')
    expect(html).toContain('30 days of access')
    expect(html).toContain('href="/pricing"')
    expect(html).not.toContain('data-price="membership-monthly"')
  })
})
