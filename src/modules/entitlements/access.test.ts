import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { checkAccess, checkAccessNow } from './access.js'
import { grantFeature, revokeGrantsBySource } from './grants.js'

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
    expect(second).toBe(first)
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
