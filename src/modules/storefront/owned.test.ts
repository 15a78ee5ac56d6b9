/** @see issue 13 (rough edges): a product the buyer holds leads to the library instead of Buy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { createMember } from '../../../test/lifecycle.js'
import { buyAndPay, settle } from '../../../test/purchase.js'

describe('GET / for a buyer', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' })
  }, 120_000)
  afterAll(() => t.close())

  it('shows owned products as "In your library" and the rest with Buy', async () => {
    const buyer = await createMember(t, `owner-${Date.now()}@example.com`)
    await buyAndPay(await buyer.agent(), { price: 'field-guide', email: buyer.email })
    await settle(t)
    const html = await (await (await buyer.agent()).request('/')).text()
    const card = (id: string) =>
      html.slice(html.indexOf(`data-product-id="${id}"`)).split('</article>')[0] ?? ''
    expect(card('field-guide')).toContain('data-owned')
    expect(card('field-guide')).not.toContain('action="/checkout"')
    expect(card('workshop-notes')).toContain('action="/checkout"')
  })
})
