import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { grantFeature, revokeGrantsBySource } from './grants.js'
import { type EntitlementView, entitlementsJson, listEntitlements, listEntitlementsNow } from './list.js'

const DAY = 86_400_000
const T0 = Date.parse('2026-08-01T00:00:00.000Z')
const at = (days: number, ms = 0): Date => new Date(T0 + days * DAY + ms)

/** The answer worked out afresh: read inside a transaction, where nothing is cached or kept. */
function fresh(t: TestDeps, customerId: string, now: Date): Promise<readonly EntitlementView[]> {
  return t.deps.db.transaction().execute((trx) => listEntitlements(trx, customerId, now))
}

describe.each(DIALECTS)('listEntitlements on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('answers from cached grants as afresh at every instant around each start and end, in any order', async () => {
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'spans@example.com', at(0))
    const grant = (feature: string, id: string, startsAt: Date, endsAt: Date | null, reason?: string) =>
      grantFeature(t.deps.db, {
        customerId: customer.id,
        feature,
        source: { type: reason ? 'subscription' : 'order', id },
        startsAt,
        endsAt,
        now: at(0),
        ...(reason ? { reason } : {}),
      })
    await grant('file:a', 'ord_a', at(1), at(5))
    await grant('file:a', 'ord_a2', at(3), at(9))
    await grant('premium', 'sub_trial', at(2), at(4), 'trialing')
    await grant('course', 'ord_c', at(6), null)
    const instants = [0, 1, 2, 3, 4, 5, 6, 9].flatMap((d) => [at(d, -1), at(d), at(d, 1)])
    const expected = new Map<number, readonly EntitlementView[]>()
    for (const now of instants) expected.set(now.getTime(), await fresh(t, customer.id, now))
    // The windows do change what is answered: a stale answer could not pass for a fresh one.
    expect(expected.get(at(0).getTime())?.every((e) => !e.allowed)).toBe(true)
    expect(expected.get(at(2).getTime())).toContainEqual(
      expect.objectContaining({ feature: 'premium', allowed: true, via: 'trial' }),
    )
    expect(expected.get(at(4, -1).getTime())).toContainEqual(
      expect.objectContaining({ feature: 'file:a', sourceId: 'ord_a2', until: at(9).toISOString() }),
    )
    expect(expected.get(at(9).getTime())).toContainEqual({ feature: 'file:a', allowed: false })

    await listEntitlements(t.deps.db, customer.id, at(0)) // the grants into the read cache
    const forwards = instants
    const backwards = [...instants].reverse()
    const shuffled = instants.map((_, i) => instants[(i * 7) % instants.length] as Date)
    for (const order of [forwards, backwards, shuffled]) {
      for (const now of order) {
        const answer = listEntitlementsNow(t.deps.db, customer.id, now)
        expect(answer).not.toBeInstanceOf(Promise)
        expect(answer).toEqual(expected.get(now.getTime()))
        // The kept JSON text goes with the kept views: never an earlier span's.
        expect(entitlementsJson(answer as readonly EntitlementView[])).toBe(
          JSON.stringify(expected.get(now.getTime())),
        )
      }
    }
  })

  it('keeps answers frozen and apart per customer, and drops them when a grant changes', async () => {
    const now = at(20)
    const ann = await findOrCreateCustomerByEmail(t.deps.db, 'ann-list@example.com', now)
    const bob = await findOrCreateCustomerByEmail(t.deps.db, 'bob-list@example.com', now)
    for (const [customer, id] of [
      [ann, 'ord_ann'],
      [bob, 'ord_bob'],
    ] as const) {
      await grantFeature(t.deps.db, {
        customerId: customer.id,
        feature: 'premium',
        source: { type: 'order', id },
        startsAt: now,
        endsAt: null,
        now,
      })
    }
    const annFirst = await listEntitlements(t.deps.db, ann.id, now)
    const bobFirst = await listEntitlements(t.deps.db, bob.id, now)
    expect(annFirst).toEqual([
      { feature: 'premium', allowed: true, via: 'order', sourceId: 'ord_ann', until: null },
    ])
    expect(bobFirst).toEqual([
      { feature: 'premium', allowed: true, via: 'order', sourceId: 'ord_bob', until: null },
    ])
    const annKept = listEntitlementsNow(t.deps.db, ann.id, now) as readonly EntitlementView[]
    expect(annKept).toEqual(annFirst)
    expect(Object.isFrozen(annKept)).toBe(true)
    expect(() => {
      ;(annKept[0] as EntitlementView).allowed = false
    }).toThrow(TypeError)
    expect(listEntitlementsNow(t.deps.db, ann.id, now)).toEqual(annFirst)

    await revokeGrantsBySource(t.deps.db, { type: 'order', id: 'ord_ann' }, { now, reason: 'refunded' })
    const annAfter = listEntitlementsNow(t.deps.db, ann.id, now)
    expect(annAfter).toBeInstanceOf(Promise)
    expect(await annAfter).toEqual([{ feature: 'premium', allowed: false }])
    expect(await listEntitlements(t.deps.db, bob.id, now)).toEqual(bobFirst)
  })
})
