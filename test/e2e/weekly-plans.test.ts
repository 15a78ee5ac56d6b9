/**
 * Plans billed by the week and every few months, from a catalog that has no monthly or yearly
 * plan of one interval: the store and /pricing describe what the catalog sells (a tab per
 * interval it uses), a weekly plan is bought, renews every seven days with access throughout and
 * counts in MRR at 52/12 of its price, and a switch to a three-monthly plan is an upgrade whose
 * next charge is three months on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildMetricsReport } from '../../src/modules/admin/index.js'
import { listInvoicesOfCustomer } from '../../src/modules/billing/repo.js'
import { createTestApp, type TestApp } from '../harness.js'
import {
  advanceDays,
  changePlan,
  createMember,
  DAY,
  onlySubscription,
  premium,
  settle,
  subscribe,
} from '../lifecycle.js'

const CATALOG = `
store: { name: Quill Studio }
features:
  - { key: premium, name: Studio, pastDueGraceDays: 2, accessUntilPeriodEnd: true }
products:
  - { id: studio, name: Studio, description: Weekly sessions., features: [premium] }
prices:
  - { lookupKey: studio-weekly, product: studio, currency: usd, amount: 500, recurring: { interval: week }, family: studio }
  - { lookupKey: studio-quarterly, product: studio, currency: usd, amount: 5000, recurring: { interval: month, intervalCount: 3 }, trialDays: 7, family: studio }
pages:
  - { path: /premium, title: Studio, feature: premium, markdown: "# Studio" }
`

describe('weekly and three-monthly plans', () => {
  let t: TestApp

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-weekly-'))
    writeFileSync(join(dir, 'catalog.yaml'), CATALOG)
    t = await createTestApp({ config: { catalogPath: join(dir, 'catalog.yaml') } })
  }, 60_000)
  afterAll(async () => {
    await t?.close()
  })

  const page = async (path: string) => (await t.request(path, { headers: { accept: 'text/html' } })).text()

  it('the store and /pricing say how the plans bill, with a tab per interval the catalog uses', async () => {
    expect(await page('/')).toContain('Plans billed weekly or every 3 months, some with a free trial.')
    const monthly = await page('/pricing')
    expect(monthly).toContain('data-pricing="month"')
    expect(monthly).toContain('href="/pricing?interval=week">Weekly</a>')
    expect(monthly).toContain('href="/pricing?interval=month" aria-current="page">Monthly</a>')
    expect(monthly).not.toContain('interval=year')
    expect(monthly).toContain('$50.00 / 3 months')
    expect(monthly).not.toContain('data-plan="studio-weekly"')
    const weekly = await page('/pricing?interval=week')
    expect(weekly).toContain('data-plan="studio-weekly"')
    expect(weekly).toContain('$5.00 / week')
    expect(weekly).not.toContain('data-plan="studio-quarterly"')
    // An interval the catalog has no plans for shows the monthly ones.
    expect(await page('/pricing?interval=year')).toContain('data-plan="studio-quarterly"')
  })

  it('a weekly plan renews every seven days with access throughout, and counts 52/12 of its price in MRR', async () => {
    const member = await createMember(t, `weekly-${Date.now()}@example.com`)
    await subscribe(member, 'studio-weekly')
    await settle(t)
    const first = await onlySubscription(t, member)
    expect(first.status).toBe('active')
    const period = Date.parse(first.current_period_end ?? '') - Date.parse(first.current_period_start ?? '')
    expect(period).toBe(7 * DAY * 1000)
    expect((await premium(t, member)).allowed).toBe(true)

    await advanceDays(t, 8)
    const renewed = await onlySubscription(t, member)
    expect(renewed.status).toBe('active')
    expect(Date.parse(renewed.current_period_start ?? '')).toBe(Date.parse(first.current_period_end ?? ''))
    const paid = (await listInvoicesOfCustomer(t.deps.db, member.id)).filter((i) => i.status === 'paid')
    expect(paid.map((i) => i.amount_paid)).toEqual([500, 500])
    expect((await premium(t, member)).allowed).toBe(true)

    const today = new Date(`${t.deps.clock.now().toISOString().slice(0, 10)}T00:00:00Z`)
    const report = await buildMetricsReport(t.deps.db, {
      from: today,
      to: new Date(today.getTime() + DAY * 1000),
      interval: 'day',
    })
    // $5.00 a week is 500 × 52 / 12 = 2166.67 cents a month.
    expect(report.mrr).toEqual({ usd: 2167 })
  }, 90_000)

  it('weekly → every 3 months is an upgrade, charged now, next charged three months on', async () => {
    const member = await createMember(t, `switch-${Date.now()}@example.com`)
    await subscribe(member, 'studio-weekly')
    await settle(t)
    const sub = await onlySubscription(t, member)
    const agent = await member.agent()
    const account = await (await agent.request('/account')).text()
    expect(account).toContain('data-switch-to="studio-quarterly"')
    // A plan without a nickname is named by how often it bills, never by its lookup key.
    expect(account).toContain('Every 3 months: $50.00 / 3 months')
    expect(account).toContain('Switch to Every 3 months')
    expect(account.replace(/"[^"]*"/g, '')).not.toContain('studio-quarterly')
    const preview = await (
      await agent.request(`/billing/change?subscription=${sub.stripe_subscription_id}&price=studio-quarterly`)
    ).text()
    expect(preview).toContain('data-plan-preview="upgrade"')
    expect(preview).toContain('Every 3 months — $50.00 / 3 months')
    const next = new Date(t.deps.clock.now())
    next.setUTCMonth(next.getUTCMonth() + 3)
    expect(preview).toContain(`$50.00 on ${next.toISOString().slice(0, 10)}`)
    const done = await changePlan(agent, sub.stripe_subscription_id, 'studio-quarterly')
    expect(done.headers.get('location')).toBe('/account?changed=upgrade')
    const after = await onlySubscription(t, member)
    expect(after.price_lookup_key).toBe('studio-quarterly')
    expect(after.current_period_end?.slice(0, 10)).toBe(next.toISOString().slice(0, 10))
  }, 90_000)
})
