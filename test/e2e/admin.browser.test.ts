/**
 * The owner's console in headless Chromium: the admin signs in with a password, sees MRR on the
 * dashboard, finds a customer, refunds part of an order (the order changes when Stripe's event
 * arrives), previews and changes a plan, cancels the subscription, replays a failed event, and
 * sees MRR move on the metrics page, whose charts draw exactly the numbers of their tables.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { hashPassword } from '../../src/modules/accounts/passwords.js'
import { findOrCreateCustomerByEmail } from '../../src/modules/customers/customers.js'
import { setPasswordHash } from '../../src/modules/customers/repo.js'
import { describeInBrowser, launchChromium } from '../browser.js'
import { createTestApp, type TestApp } from '../harness.js'
import { advanceDays, createMember, settle, subscribe } from '../lifecycle.js'
import { buyAndPay } from '../purchase.js'

const ADMIN = 'owner@example.com'
const CATALOG = `
features:
  - { key: premium, name: Premium, accessUntilPeriodEnd: true }
  - { key: guide, name: Guide }
products:
  - { id: guide, name: Guide, access: forever, features: [guide] }
  - { id: basic, name: Basic, features: [premium] }
prices:
  - { lookupKey: guide, product: guide, currency: usd, amount: 1900 }
  - { lookupKey: basic-monthly, product: basic, currency: usd, amount: 900, recurring: { interval: month }, family: basic }
  - { lookupKey: basic-yearly, product: basic, currency: usd, amount: 9000, recurring: { interval: year }, family: basic }
`

describeInBrowser('owner console in a real browser', () => {
  let t: TestApp
  let browser: Browser

  beforeAll(async () => {
    const catalogPath = join(mkdtempSync(join(tmpdir(), 'tollgate-admin-browser-')), 'catalog.yaml')
    writeFileSync(catalogPath, CATALOG)
    t = await createTestApp({ dialect: 'sqlite', config: { catalogPath, adminEmails: [ADMIN] } })
    const admin = await findOrCreateCustomerByEmail(t.deps.db, ADMIN, t.deps.clock.now())
    await setPasswordHash(t.deps.db, admin.id, await hashPassword('the owner password'))
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  /** The chart's drawn points (label → value) for one series, and the same column of its table. */
  async function chartAndTable(page: Page, id: string, series: string) {
    const drawn = await page
      .locator(
        `#${id}-chart [data-series="${series}"] [data-label], #${id}-chart [data-series="${series}"][data-label]`,
      )
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-value'))]),
      )
    const table = await page
      .locator(`#${id}-table tbody tr`)
      .evaluateAll(
        (rows, s) =>
          rows.map((r) => [
            r.getAttribute('data-label'),
            Number(r.querySelector(`td[data-series="${s}"]`)?.getAttribute('data-value')),
          ]),
        series,
      )
    return { drawn, table }
  }

  it('signs in, finds a customer, refunds, changes and cancels a plan, replays an event, sees MRR move', async () => {
    const buyer = await createMember(t, 'buyer@example.com')
    await buyAndPay(t.agent(), { price: 'guide', email: buyer.email })
    await subscribe(buyer, 'basic-monthly')
    await settle(t)
    await advanceDays(t, 1) // yesterday's MRR stays on the chart when today's changes
    // One handled event made to look failed after its retries (kept out of the worker's way).
    const event = await t.deps.db
      .selectFrom('stripe_events')
      .select('stripe_event_id')
      .where('type', '=', 'checkout.session.completed')
      .executeTakeFirstOrThrow()
    await t.deps.db
      .updateTable('stripe_events')
      .set({
        handled_at: null,
        attempts: 8,
        last_error: 'simulated outage',
        next_attempt_at: '2999-01-01T00:00:00.000Z',
      })
      .where('stripe_event_id', '=', event.stripe_event_id)
      .execute()

    const page = await browser.newPage()
    page.setDefaultTimeout(30_000)
    await page.goto(`${t.url}/admin`)
    expect(await page.locator('[data-error-code="NOT_FOUND"]').count()).toBe(1)
    await page.goto(`${t.url}/signin?next=/admin`)
    await page.fill('input[name="email"]', ADMIN)
    await page.fill('input[name="password"]', 'the owner password')
    await page.locator('main button[type="submit"]').first().click()
    await page.waitForURL(`${t.url}/admin`)
    expect(await page.locator('[data-metric="mrr"]').first().textContent()).toContain('$9.00')
    expect(await page.locator('[data-health="failing_events"]').textContent()).toContain('1 failing')

    await page.click('nav.admin-nav a[href="/admin/customers"]')
    await page.fill('input[name="q"]', 'buyer')
    await page.click('form.filters button[type="submit"]')
    await page.click(`a[href="/admin/customers/${buyer.id}"]`)
    await page.locator('#orders a').first().click()
    await page.fill('input[name="amount"]', '5.00')
    await page.fill('input[name="reason"]', 'arrived late')
    await page.getByRole('button', { name: 'Refund' }).click()
    expect(await page.locator('.notice').textContent()).toContain('Refund of $5.00 requested')
    await settle(t)
    await page.reload()
    expect(await page.locator('#orders [data-refunded]').getAttribute('data-refunded')).toBe('500')
    expect(await page.locator('#orders [data-status]').getAttribute('data-status')).toBe('partially_refunded')

    await page.goto(`${t.url}/admin/customers/${buyer.id}`)
    await page.locator('#subscriptions a').first().click()
    await page.selectOption('select[name="price"]', 'basic-yearly')
    await page.getByRole('button', { name: 'Preview plan change' }).click()
    await page.getByRole('button', { name: 'Confirm plan change' }).click()
    expect(await page.locator('#subscriptions [data-plan]').getAttribute('data-plan')).toBe('basic-yearly')
    await page.goto(`${t.url}/admin/metrics`)
    expect(await page.locator('[data-metric="mrr"]').textContent()).toContain('$7.50')

    await page.goto(`${t.url}/admin/customers/${buyer.id}`)
    await page.locator('#subscriptions a').first().click()
    await page.getByRole('button', { name: 'Cancel now' }).click()
    expect(await page.locator('#subscriptions [data-status]').getAttribute('data-status')).toBe('canceled')

    await page.goto(`${t.url}/admin/events?status=failing`)
    await page.locator(`[data-event="${event.stripe_event_id}"] button`).click()
    expect(await page.locator('.notice').textContent()).toContain('Replayed: handled')

    await settle(t)
    await page.goto(`${t.url}/admin/metrics`)
    expect(await page.locator('[data-metric="mrr"]').textContent()).toBe('0')
    const mrr = await chartAndTable(page, 'mrr', 'MRR usd')
    expect(mrr.drawn.length).toBeGreaterThan(0)
    expect(mrr.drawn).toEqual(mrr.table)
    const moves = await chartAndTable(page, 'movements', 'churned usd')
    expect(moves.drawn).toEqual(moves.table)
    expect(moves.table.at(-1)?.[1]).toBe(-750)
    expect(moves.table.at(-2)?.[1]).toBe(0)
    expect((await chartAndTable(page, 'movements', 'new usd')).table.at(-2)?.[1]).toBe(900)
    expect(mrr.table.slice(-2)).toEqual([
      [mrr.table.at(-2)?.[0], 900],
      [mrr.table.at(-1)?.[0], 0],
    ])
    // The owner reads money, not minor units: the table, the axis and each point's title.
    const cells = page.locator('#mrr-table tbody tr td[data-series="MRR usd"]')
    expect(await cells.nth(-2).textContent()).toBe('$9.00')
    expect(await page.locator('[data-chart="mrr"] h2').textContent()).toBe('MRR over time')
    expect(await page.locator('#mrr-chart .axes text').first().textContent()).toBe('$9.00')
    expect(await page.locator('#movements-chart .axes text').nth(1).textContent()).toMatch(/^-\$\d+\.\d\d$/)

    await page.goto(`${t.url}/admin/audit`)
    const actions = await page
      .locator('[data-audit-action]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-audit-action')))
    expect(actions).toEqual([
      'event.replay',
      'subscription.cancel-now',
      'subscription.change-plan',
      'order.refund',
    ])
  }, 180_000)
})
