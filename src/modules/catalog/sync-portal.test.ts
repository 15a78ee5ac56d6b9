/**
 * The Billing Portal configuration made by the catalog sync, against the emulator: plan switching
 * between the family's prices with proration, cancellation with reasons; a rerun changes nothing,
 * a new plan updates it, and the portal sessions the account page opens use it.
 * @see issue 13 (plan switching through the portal)
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { createMember, settle, subscribe } from '../../../test/lifecycle.js'
import { parseCatalog } from './load.js'
import { syncCatalog } from './sync.js'
import { findPortalConfiguration } from './sync-portal.js'

describe('the Billing Portal configuration from the catalog', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' })
  }, 120_000)
  afterAll(() => t.close())

  it('offers the family’s plans with proration and asks why a member cancels', async () => {
    const config = await findPortalConfiguration(t.stripe)
    expect(config).toBeDefined()
    const update = config?.features.subscription_update
    expect(update?.enabled).toBe(true)
    expect(update?.proration_behavior).toBe('create_prorations')
    const planIds = await Promise.all(
      ['membership-monthly', 'membership-yearly'].map(async (key) => {
        const listed = await t.stripe.prices.list({ lookup_keys: [key] })
        return listed.data[0]?.id
      }),
    )
    expect(update?.products?.[0]?.prices.slice().sort()).toEqual(planIds.slice().sort())
    expect(config?.features.subscription_cancel).toMatchObject({
      enabled: true,
      mode: 'at_period_end',
      cancellation_reason: { enabled: true },
    })
    expect(config?.features.subscription_cancel.cancellation_reason.options).toContain('too_expensive')
  })

  it('a rerun changes nothing; a new plan in the family updates the configuration', async () => {
    const again = await syncCatalog(t.deps)
    expect(again.actions.filter((a) => a.target.startsWith('portal'))).toEqual([
      expect.objectContaining({ kind: 'unchanged' }),
    ])
    const source = t.deps.catalog.source
    const quarterly = `  - lookupKey: membership-quarterly
    product: membership
    currency: usd
    amount: "22.00"
    recurring: { interval: month, intervalCount: 3 }
    family: membership

pages:`
    const withQuarterly = parseCatalog(readFileSync(source, 'utf8').replace(/^pages:/m, quarterly), source)
    const plan = await syncCatalog({ ...t.deps, catalog: withQuarterly })
    expect(plan.actions.find((a) => a.target.startsWith('portal'))?.kind).toBe('update-portal')
    const updated = await findPortalConfiguration(t.stripe)
    expect(updated?.features.subscription_update.products?.[0]?.prices).toHaveLength(3)
  })

  it('the account page opens the portal with this configuration', async () => {
    const member = await createMember(t, `portal-${Date.now()}@example.com`)
    await subscribe(member, 'membership-monthly')
    await settle(t)
    const res = await (await member.agent()).postForm('/billing/portal', {})
    expect(res.status).toBe(303)
    const config = await findPortalConfiguration(t.stripe)
    const sessionId = /\/p\/session\/(bps_[A-Za-z0-9_]+)/.exec(res.headers.get('location') ?? '')?.[1]
    expect(sessionId).toBeDefined()
    const page = await (await fetch(res.headers.get('location') ?? '')).text()
    expect(page).toContain('name="action" value="switch"')
    expect(config?.id).toMatch(/^bpc_/)
  })
})
