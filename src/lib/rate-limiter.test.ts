/** Rate limits and back-off, in memory and in a real Redis (CI starts one on 127.0.0.1:6379). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BackOffPolicy,
  createRateLimiter,
  type RateLimiter,
  uniqueRateLimitPrefix,
} from './rate-limiter.js'

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const POLICY: BackOffPolicy = {
  freeFailures: 3,
  firstDelaySeconds: 2,
  maxDelaySeconds: 30,
  memorySeconds: 3600,
}

describe.each(['memory', 'redis'] as const)('rate limiter in %s', (store) => {
  let limiter: RateLimiter
  beforeAll(async () => {
    const prefix = uniqueRateLimitPrefix()
    limiter = createRateLimiter(store === 'redis' ? { redisUrl: REDIS_URL, prefix } : { prefix })
    await limiter.ready()
  })
  afterAll(() => limiter.close())

  it('allows `limit` hits per window for each key, and counts concurrent hits exactly', async () => {
    const rule = { limit: 3, windowSeconds: 60 }
    const hits = await Promise.all(Array.from({ length: 6 }, () => limiter.hit('burst:1.2.3.4', rule)))
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6])
    expect(hits.filter((h) => h.allowed)).toHaveLength(3)
    expect(Math.max(...hits.map((h) => h.retryAfterSeconds))).toBeLessThanOrEqual(60)
    expect((await limiter.hit('burst:5.6.7.8', rule)).allowed).toBe(true)
  })

  it('lets the free failures pass, then makes each further one double the wait, up to the ceiling', async () => {
    const key = 'signin:1.2.3.4:owner@example.com'
    const waits: number[] = []
    for (let i = 0; i < 8; i++) {
      await limiter.recordFailure(key, POLICY)
      waits.push(await limiter.backOffSeconds(key))
    }
    expect(waits.slice(0, 3)).toEqual([0, 0, 0])
    // 2, 4, 8, 16, 30 s (allow one second of rounding as the clock moves on)
    for (const [i, expected] of [2, 4, 8, 16, 30].entries()) {
      expect(waits[3 + i]).toBeGreaterThanOrEqual(expected - 1)
      expect(waits[3 + i]).toBeLessThanOrEqual(expected)
    }
    expect(await limiter.backOffSeconds('signin:9.9.9.9:owner@example.com')).toBe(0)
    await limiter.forgetFailures(key, POLICY)
    expect(await limiter.backOffSeconds(key)).toBe(0)
    await limiter.recordFailure(key, POLICY)
    expect(await limiter.backOffSeconds(key)).toBe(0)
  })
})

describe('rate limiter with Redis away', () => {
  it('keeps counting in memory instead of failing the request', async () => {
    const limiter = createRateLimiter({ redisUrl: 'redis://127.0.0.1:9', prefix: uniqueRateLimitPrefix() })
    await limiter.ready()
    const rule = { limit: 1, windowSeconds: 60 }
    expect((await limiter.hit('k', rule)).allowed).toBe(true)
    expect((await limiter.hit('k', rule)).allowed).toBe(false)
    await limiter.close()
  })

  it('says so once, and its store says counts are per instance; a Redis that answers says nothing', async () => {
    const told: [boolean, string | undefined][] = []
    const away = createRateLimiter({
      redisUrl: 'redis://127.0.0.1:9',
      prefix: uniqueRateLimitPrefix(),
      onRedisChange: (reachable, err) => told.push([reachable, err?.message]),
    })
    await away.ready()
    await away.hit('k', { limit: 5, windowSeconds: 60 })
    await new Promise((done) => setTimeout(done, 300)) // ioredis's reconnection attempts meanwhile
    expect(told).toHaveLength(1)
    expect(told[0]?.[0]).toBe(false)
    expect(told[0]?.[1]).toContain('ECONNREFUSED')
    expect(away.store()).toMatchObject({
      kind: 'redis',
      reachable: false,
      lastError: expect.stringContaining('ECONNREFUSED'),
    })
    await away.close()

    const heard: boolean[] = []
    const up = createRateLimiter({
      redisUrl: REDIS_URL,
      prefix: uniqueRateLimitPrefix(),
      onRedisChange: (r) => heard.push(r),
    })
    await up.ready()
    await up.hit('k', { limit: 5, windowSeconds: 60 })
    expect(up.store()).toEqual({ kind: 'redis', reachable: true })
    expect(heard).toEqual([])
    await up.close()
    expect(createRateLimiter().store()).toEqual({ kind: 'memory' })
  })
})
