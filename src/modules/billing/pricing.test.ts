import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgent, createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'

describe('pricing and account pages (no Stripe needed)', () => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let origin: string

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    app = createApp(t.deps)
    origin = t.deps.config.publicUrl
  })
  afterAll(async () => {
    await t.close()
  })

  const get = async (path: string): Promise<Response> =>
    app.request(new URL(path, origin).href, { headers: { accept: 'text/html' } })

  it('lists monthly plans by default and yearly ones through a plain link (no JavaScript)', async () => {
    const monthly = await (await get('/pricing')).text()
    expect(monthly).toContain('data-pricing="month"')
    expect(monthly).toContain('data-plan="membership-monthly"')
    expect(monthly).not.toContain('data-plan="membership-yearly"')
    expect(monthly).toContain('href="/pricing?interval=year"')
    expect(monthly).toContain('14-day free trial')
    const yearly = await (await get('/pricing?interval=year')).text()
    expect(yearly).toContain('data-plan="membership-yearly"')
    expect(yearly).toContain('$80.00')
    // The monthly plan is $8.00: twelve of them cost $96.00, so the yearly one saves $16.00.
    expect(yearly).toContain('Save $16.00 a year against monthly')
    expect(yearly).toContain('href="/pricing?interval=year" aria-current="page"')
    expect(yearly).not.toContain('data-plan="field-guide"')
  })

  it('offers visitors a plan with their email, and asks them to sign in for the account', async () => {
    const page = await (await get('/pricing')).text()
    expect(page).toContain('type="email" name="email" required')
    expect(page).not.toContain('Create an account to subscribe')
    const browser = createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)
    const bad = await browser.postForm('/subscribe', { price: 'membership-monthly', email: 'not an email' })
    expect(bad.status).toBe(422)
    const account = await get('/account')
    expect(account.status).toBe(303)
    expect(account.headers.get('location')).toBe('/signin?next=%2Faccount')
    const portal = await browser.postForm('/billing/portal', {})
    expect(portal.status).toBe(401)
    // No Stripe behind this test app: a Stripe failure is a 502 page, never a 500.
    const success = await get('/billing/success?session_id=cs_test_unknown')
    expect(success.status).toBe(502)
  })
})
