/**
 * Every page as a stranger and as a member would meet it, in headless Chromium: axe-core (injected
 * into the page) finds no serious or critical accessibility violation, and at a phone's width
 * (375 px) nothing is wider than the screen (no horizontal scrolling) and no input's placeholder is
 * cut off, checked on a screenshot-sized viewport. The owner's console is held to the same.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SESSION_COOKIE } from '../../src/http/session.js'
import { listInvoicesOfCustomer } from '../../src/modules/billing/repo.js'
import { listOrdersOfCustomer } from '../../src/modules/orders/repo.js'
import { describeInBrowser, launchChromium } from '../browser.js'
import { createTestApp, type TestApp } from '../harness.js'
import { createMember, type Member, onlySubscription, settle, subscribe } from '../lifecycle.js'
import { buyAndPay } from '../purchase.js'

// Injected through the debugger rather than as a <script> tag, so the pages keep their real CSP
// (script-src 'self') while axe runs in them.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const PHONE = { width: 375, height: 740 }
const OWNER = 'owner-of-the-pages-test@example.com'

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe
    return (await axe.run()).violations
  })
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** Inputs whose placeholder is wider than the box it is shown in (read as cut off). */
async function cutPlaceholders(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const context = document.createElement('canvas').getContext('2d')
    if (!context) return ['no canvas to measure placeholders']
    const cut: string[] = []
    for (const input of Array.from(document.querySelectorAll<HTMLInputElement>('input[placeholder]'))) {
      const style = getComputedStyle(input)
      if (style.display === 'none' || input.type === 'hidden') continue
      context.font = style.font
      const text = context.measureText(input.placeholder).width
      const box =
        input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight)
      if (text > box + 1)
        cut.push(`placeholder "${input.placeholder}" cut off (${Math.round(text)}px in ${box}px)`)
    }
    return cut
  })
}

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
}

/** A Billing Portal session of the member, as "Manage billing" opens it. */
async function portalUrl(m: Member): Promise<string> {
  const res = await (await m.agent()).postForm('/billing/portal', {})
  return res.headers.get('location') ?? ''
}

describeInBrowser('every page: accessibility and phone width', () => {
  let t: TestApp
  let browser: Browser
  let stranger: BrowserContext
  let member: BrowserContext
  let owner: BrowserContext
  let memberPaths: string[] = []
  let ownerPaths: string[] = []

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite', config: { adminEmails: [OWNER] } })
    browser = await launchChromium()
    const m = await createMember(t, `pages-${Date.now()}@example.com`)
    const subscribed = await subscribe(m, 'membership-monthly')
    const bought = await buyAndPay(await m.agent(), { price: 'field-guide', email: m.email })
    await settle(t)
    const sub = await onlySubscription(t, m)
    const [invoice] = await listInvoicesOfCustomer(t.deps.db, m.id)
    const [order] = await listOrdersOfCustomer(t.deps.db, m.id)
    const agent = await m.agent()
    const token = agent.cookies.get(SESSION_COOKIE) ?? ''
    stranger = await browser.newContext({ viewport: PHONE })
    member = await browser.newContext({ viewport: PHONE })
    const { hostname } = new URL(t.url)
    await member.addCookies([{ name: SESSION_COOKIE, value: token, domain: hostname, path: '/' }])
    const ownerToken = (await (await createMember(t, OWNER)).agent()).cookies.get(SESSION_COOKIE) ?? ''
    owner = await browser.newContext({ viewport: PHONE })
    await owner.addCookies([{ name: SESSION_COOKIE, value: ownerToken, domain: hostname, path: '/' }])
    const id = sub.stripe_subscription_id
    memberPaths = [
      '/account',
      '/library',
      '/members',
      '/premium',
      '/pricing',
      `/billing/change?subscription=${id}&price=membership-yearly`,
      `/billing/cancel?subscription=${id}`,
      `/account/invoices/${invoice?.id}`,
      `/account/orders/${order?.id}`,
      '/account?changed=card-saved',
      subscribed.successPath,
      bought.successPath,
      // Refusals and errors, in words.
      `/billing/change?subscription=${id}&price=membership-monthly`,
      '/account/orders/ord_nothing',
      // The emulator's hosted pages a member is sent to: the portal's card form and its cancel step.
      '/billing/update-card',
      `${await portalUrl(m)}?cancel=${id}`,
    ]
    // Every console section, and one customer, order and subscription (a long email as the heading).
    ownerPaths = [
      '/admin',
      '/admin/metrics',
      '/admin/customers',
      `/admin/customers/${m.id}`,
      '/admin/orders',
      `/admin/orders/${order?.id}`,
      '/admin/subscriptions',
      `/admin/subscriptions/${id}`,
      '/admin/events',
      '/admin/emails',
      '/admin/catalog',
      '/admin/coupons',
      '/admin/api-keys',
      '/admin/webhooks',
      '/admin/audit',
    ]
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  const STRANGER_PATHS = [
    '/',
    '/pricing',
    '/pricing?interval=year',
    '/login',
    '/signin',
    '/register',
    '/password/forgot',
    '/checkout/cancel',
    '/premium',
    '/no-such-page',
    '/dev/mail',
    '/subscribe/refused?reason=trial-used&price=membership-monthly&email=someone%40example.com',
    '/subscribe/refused?reason=subscribed&price=membership-monthly',
    '/password/reset?token=not-a-token',
  ]

  async function check(context: BrowserContext, path: string): Promise<{ path: string; problems: string[] }> {
    const page = await context.newPage()
    try {
      await page.goto(path.startsWith('http') ? path : `${t.url}${path}`)
      const problems = await seriousViolations(page)
      const wider = await overflow(page)
      if (wider > 0) problems.push(`${wider}px wider than a 375px screen`)
      problems.push(...(await cutPlaceholders(page)))
      const shot = await page.screenshot()
      expect(shot.length).toBeGreaterThan(0)
      return { path, problems }
    } finally {
      await page.close()
    }
  }

  it('pages a stranger sees', async () => {
    const results = []
    for (const path of STRANGER_PATHS) results.push(await check(stranger, path))
    expect(results.filter((r) => r.problems.length > 0)).toEqual([])
  }, 180_000)

  it('a gated page sends a stranger to one sign-in page: password, emailed link or access token', async () => {
    const page = await stranger.newPage()
    await page.goto(`${t.url}/premium`)
    expect(new URL(page.url()).pathname).toBe('/login')
    expect(await page.locator('form[action="/signin"] input[name="password"]').count()).toBe(1)
    expect(await page.locator('button[value="link"]').count()).toBe(1)
    expect(await page.locator('input[name="token"]').count()).toBe(1)
    expect(await page.locator('input[name="next"][value="/premium"]').count()).toBe(2)
    await page.close()
  }, 60_000)

  it('pages a member sees', async () => {
    const results = []
    for (const path of memberPaths) results.push(await check(member, path))
    expect(results.filter((r) => r.problems.length > 0)).toEqual([])
  }, 180_000)

  it("the owner's console", async () => {
    const results = []
    for (const path of ownerPaths) results.push(await check(owner, path))
    expect(results.filter((r) => r.problems.length > 0)).toEqual([])
  }, 180_000)
})
