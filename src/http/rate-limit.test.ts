import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../test/harness.js'
import { createManualClock } from '../lib/clock.js'
import { clearRateLimit, enforceRateLimit, hitRateLimit } from './rate-limit.js'

describe.each(DIALECTS)('rate limit on %s', (dialect) => {
  let t: TestDeps
  const clock = createManualClock(new Date('2026-11-22T10:00:00.000Z'))
  const rule = { limit: 3, windowSeconds: 60 }
  beforeAll(async () => {
    t = await createTestDeps(dialect)
  })
  afterAll(() => t.close())

  it('allows `limit` hits per fixed window per key, then refuses until the next window', async () => {
    const { db } = t.deps
    const results = []
    for (let i = 0; i < 4; i++) results.push(await hitRateLimit(db, clock, 'login:ip:1.2.3.4', rule))
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false])
    expect(results[3]?.retryAfterSeconds).toBe(60)
    expect((await hitRateLimit(db, clock, 'login:ip:5.6.7.8', rule)).allowed).toBe(true)
    await expect(enforceRateLimit(db, clock, 'login:ip:1.2.3.4', rule)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
    })
    clock.advance(60_000)
    expect(await hitRateLimit(db, clock, 'login:ip:1.2.3.4', rule)).toMatchObject({ allowed: true, count: 1 })
  })

  it('counts concurrent hits exactly', async () => {
    const { db } = t.deps
    const hits = await Promise.all(Array.from({ length: 10 }, () => hitRateLimit(db, clock, 'burst', rule)))
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(hits.filter((h) => h.allowed)).toHaveLength(3)
    await clearRateLimit(db, 'burst')
    expect((await hitRateLimit(db, clock, 'burst', rule)).count).toBe(1)
  })
})
