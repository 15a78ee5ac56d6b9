import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { checkAccess, checkAccessNow, decideAccess, decideFeature } from './access.js'
import { grantFeature, revokeGrantsBySource } from './grants.js'
import type { GrantRow } from './table.js'

const DAY = 86_400_000

describe.each(DIALECTS)('entitlements on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('allows inside the window, not before or after, and reports the source and end', async () => {
    const now = new Date('2026-05-01T00:00:00.000Z')
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'Window@Example.com', now)
    expect(customer.email).toBe('window@example.com')
    await grantFeature(t.deps.db, {
      customerId: customer.id,
      feature: 'file:a',
      source: { type: 'order', id: 'ord_window' },
      startsAt: now,
      endsAt: new Date(now.getTime() + 30 * DAY),
      now,
    })
    const inside = await checkAccess(t.deps.db, customer.id, 'file:a', new Date(now.getTime() + DAY))
    expect(inside).toMatchObject({ allowed: true, source: { type: 'order', id: 'ord_window' } })
    expect(inside.until?.toISOString()).toBe('2026-05-31T00:00:00.000Z')
    expect((await checkAccess(t.deps.db, customer.id, 'file:a', new Date(now.getTime() - 1))).allowed).toBe(
      false,
    )
    const after = await checkAccess(t.deps.db, customer.id, 'file:a', new Date(now.getTime() + 31 * DAY))
    expect(after).toMatchObject({ allowed: false, lapsed: true })
    expect((await checkAccess(t.deps.db, customer.id, 'file:other', now)).lapsed).toBe(false)
  })

  it('granting again from one source moves the window instead of stacking; revoking ends it', async () => {
    const now = new Date('2026-06-01T00:00:00.000Z')
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'regrant@example.com', now)
    const source = { type: 'subscription' as const, id: 'sb_test' }
    const input = { customerId: customer.id, feature: 'premium', source, startsAt: now, now }
    const first = await grantFeature(t.deps.db, { ...input, endsAt: new Date(now.getTime() + DAY) })
    const second = await grantFeature(t.deps.db, { ...input, endsAt: null })
    expect(first.change).toBe('created')
    expect(second).toEqual({ id: first.id, change: 'updated' })
    expect(await grantFeature(t.deps.db, { ...input, endsAt: null })).toEqual({
      id: first.id,
      change: 'unchanged',
    })
    const forever = await checkAccess(t.deps.db, customer.id, 'premium', new Date(now.getTime() + 400 * DAY))
    expect(forever).toMatchObject({ allowed: true, until: null })
    expect(await revokeGrantsBySource(t.deps.db, source, { now, reason: 'test' })).toBe(1)
    expect(await revokeGrantsBySource(t.deps.db, source, { now, reason: 'test' })).toBe(0)
    const revoked = await checkAccess(t.deps.db, customer.id, 'premium', new Date(now.getTime() + DAY))
    expect(revoked).toMatchObject({ allowed: false, lapsed: true })
  })

  it('checkAccessNow answers as checkAccess does, at once from cached grants, and sees a revocation at once', async () => {
    const now = new Date('2026-07-01T00:00:00.000Z')
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'now@example.com', now)
    const source = { type: 'order' as const, id: 'ord_now' }
    await grantFeature(t.deps.db, {
      customerId: customer.id,
      feature: 'premium',
      source,
      startsAt: now,
      endsAt: null,
      now,
    })
    // Not cached yet (the grant was a write): a promise, with checkAccess's answer.
    const first = checkAccessNow(t.deps.db, customer.id, 'premium', now)
    expect(first).toBeInstanceOf(Promise)
    expect(await first).toEqual(await checkAccess(t.deps.db, customer.id, 'premium', now))
    // Now the grants are cached: the same answers, not a promise, for every feature and time.
    for (const [feature, at] of [
      ['premium', now],
      ['premium', new Date(now.getTime() - 1)],
      ['file:other', now],
    ] as const) {
      const cached = checkAccessNow(t.deps.db, customer.id, feature, at)
      expect(cached).not.toBeInstanceOf(Promise)
      expect(cached).toEqual(await checkAccess(t.deps.db, customer.id, feature, at))
    }
    expect(checkAccessNow(t.deps.db, customer.id, 'premium', now)).toMatchObject({ allowed: true })
    await revokeGrantsBySource(t.deps.db, source, { now, reason: 'refunded' })
    const revoked = checkAccessNow(t.deps.db, customer.id, 'premium', now)
    expect(revoked).toBeInstanceOf(Promise)
    expect(await revoked).toMatchObject({ allowed: false, revokedBecause: 'refunded' })
    // Inside a transaction nothing is cached: always read, so it sees its own writes.
    await t.deps.db.transaction().execute(async (trx) => {
      expect(checkAccessNow(trx, customer.id, 'premium', now)).toBeInstanceOf(Promise)
    })
  })

  it('one customer per email, whatever the case or concurrency', async () => {
    const made = await Promise.all(
      ['Same@Example.com', 'same@example.com ', 'SAME@example.com'].map((e) =>
        t.deps.db.transaction().execute((trx) => findOrCreateCustomerByEmail(trx, e, t.deps.clock.now())),
      ),
    )
    expect(new Set(made.map((c) => c.id)).size).toBe(1)
  })
})

describe("decideFeature (the gate's one pass)", () => {
  // A small, seeded generator: the same cases on every run, so a failure can be replayed.
  let seed = 20261207
  const random = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed % n
  }
  const base = Date.parse('2026-01-01T00:00:00.000Z')
  // Few distinct instants, so that equal ends, starts at `now` and ends at `now` all occur.
  const instant = (): string => new Date(base + random(6) * DAY).toISOString()

  it('decides as decideAccess does over the grants of the feature, on 5,000 generated customers', () => {
    let allowed = 0
    for (let n = 0; n < 5000; n++) {
      const grants: GrantRow[] = Array.from({ length: random(6) }, (_, i) => ({
        id: `grt_${n}_${i}`,
        customer_id: 'cu_1',
        feature: ['premium', 'course', 'file:a'][random(3)] as string,
        source_type: (['order', 'subscription', 'manual'] as const)[random(3)] as GrantRow['source_type'],
        source_id: `src_${random(4)}`,
        starts_at: instant(),
        ends_at: random(3) === 0 ? null : instant(),
        revoked_at: random(5) === 0 ? instant() : null,
        reason: random(2) === 0 ? 'refunded' : null,
        created_at: instant(),
      }))
      const now = new Date(base + random(6) * DAY)
      const feature = ['premium', 'course'][random(2)] as string
      const expected = decideAccess(
        grants.filter((g) => g.feature === feature),
        now,
      )
      expect(decideFeature(grants, feature, now)).toEqual(expected)
      if (expected.allowed) allowed++
    }
    // Both answers were exercised, many times each.
    expect(allowed).toBeGreaterThan(500)
    expect(allowed).toBeLessThan(4500)
  })
})
