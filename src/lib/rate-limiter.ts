/**
 * The counters behind every rate limit and sign-in back-off, kept out of the database so that a
 * read path never writes (rate-limiter-flexible: in this process's memory by default, in Redis
 * when REDIS_URL is set so several instances share them). A Redis outage falls back to memory
 * rather than letting every attempt through or refusing everyone.
 *
 * Two tools: fixed windows (`hit`: at most N attempts per window for a key) and back-off
 * (`recordFailure` / `backOffSeconds`: a few free failures, then each one doubles the wait, up to a
 * ceiling). Keys say whose attempts they count, client and target (`signin:1.2.3.4:a@b.c`).
 * @module
 */
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import type { Redis as RedisClient } from 'ioredis'
import type { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

export type RateLimitRule = { limit: number; windowSeconds: number }
export type RateLimitResult = { allowed: boolean; count: number; retryAfterSeconds: number }
export type BackOffPolicy = {
  /** Failures that cost nothing. */
  freeFailures: number
  /** The wait after the first failure past the free ones; it doubles with each further one. */
  firstDelaySeconds: number
  maxDelaySeconds: number
  /** Failures are forgotten this long after the last one. */
  memorySeconds: number
}

export type RateLimiter = {
  /** Counts one attempt for `key` under `rule` and says whether it is within the limit. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult>
  /** Seconds `key` must still wait after its failures (0: it may try now). */
  backOffSeconds(key: string): Promise<number>
  /** Counts one failure for `key`; past the free ones, `key` must wait before the next try. */
  recordFailure(key: string, policy: BackOffPolicy): Promise<void>
  /** Forgets `key`'s failures and any wait they imposed (after a success). */
  forgetFailures(key: string, policy: BackOffPolicy): Promise<void>
  /** Resolves once the shared store answers (at once in memory); attempts before it count in memory. */
  ready(): Promise<void>
  /** Where counts go now: memory by choice, or Redis and whether it answers (else memory meanwhile). */
  store(): { kind: 'memory' } | { kind: 'redis'; reachable: boolean; lastError?: string }
  close(): Promise<void>
}

type Limiter = RateLimiterMemory | RateLimiterRedis

const require = createRequire(import.meta.url)

/** ioredis is loaded only when REDIS_URL is set (start-up time and idle memory otherwise). */
const loadRedis = (): typeof RedisClient => (require('ioredis') as { Redis: typeof RedisClient }).Redis

// The classes we use, each from its own file: the package's index loads every store it supports
// (Mongo, MySQL, DynamoDB, Prisma…), a good part of a cold start for two classes.
const MemoryLimiter = require('rate-limiter-flexible/lib/RateLimiterMemory.js') as typeof RateLimiterMemory
const LimiterResult = require('rate-limiter-flexible/lib/RateLimiterRes.js') as typeof RateLimiterRes
const loadRedisLimiter = (): typeof RateLimiterRedis =>
  require('rate-limiter-flexible/lib/RateLimiterRedis.js') as typeof RateLimiterRedis

/** In memory, or in Redis at `redisUrl`. `prefix` separates instances sharing one Redis (tests). */
export function createRateLimiter(
  options: {
    redisUrl?: string
    prefix?: string
    /** Told when Redis stops answering (counts are then per instance) and when it answers again. */
    onRedisChange?: (reachable: boolean, error?: Error) => void
  } = {},
): RateLimiter {
  const prefix = options.prefix ?? 'tollgate'
  // Connected on first use, so commands that never limit anything (most of the CLI) never connect.
  const redis = options.redisUrl
    ? new (loadRedis())(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: true,
      })
    : undefined
  // While Redis is away the in-memory fallback counts and ioredis reconnects; the change is told once
  // each way (not on every reconnection attempt), so an operator learns counts are per instance.
  let reachable: boolean | undefined
  let lastError: string | undefined
  const changed = (now: boolean, err?: Error): void => {
    if (err) lastError = err.message
    if (reachable === now) return
    const wasKnown = reachable !== undefined || !now
    reachable = now
    if (wasKnown) options.onRedisChange?.(now, err)
  }
  redis?.on('error', (err: Error) => changed(false, err))
  redis?.on('ready', () => changed(true))
  let connecting: Promise<void> | undefined
  function connect(): Promise<void> {
    connecting ??= redis ? redis.connect().catch(() => {}) : Promise.resolve()
    return connecting
  }
  const limiters = new Map<string, Limiter>()
  function limiter(name: string, points: number, duration: number): Limiter {
    const keyPrefix = `${prefix}:${name}:${points}:${duration}`
    let found = limiters.get(keyPrefix)
    if (!found) {
      void connect()
      const base = { points, duration, keyPrefix }
      found = redis
        ? new (loadRedisLimiter())({
            ...base,
            storeClient: redis,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new MemoryLimiter(base),
          })
        : new MemoryLimiter(base)
      limiters.set(keyPrefix, found)
    }
    return found
  }
  // Back-off keeps two records per key: the failure count, and the wait currently imposed.
  const failures = (policy: Pick<BackOffPolicy, 'memorySeconds'>): Limiter =>
    limiter('fail', 1_000_000, policy.memorySeconds)
  const waits = (): Limiter => limiter('wait', 1, 1)

  return {
    hit(key, rule) {
      // One promise from the limiter, mapped: no async layers of our own, as this runs on every
      // rate-limited request (the session API's answers among them).
      const result = (res: RateLimiterRes): RateLimitResult => ({
        allowed: res.consumedPoints <= rule.limit,
        count: res.consumedPoints,
        retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      })
      return limiter('hit', rule.limit, rule.windowSeconds)
        .consume(key)
        .then(result, (err: unknown) => result(overLimit(err)))
    },
    async backOffSeconds(key) {
      const res = await waits().get(key)
      if (!res || res.consumedPoints <= 1) return 0
      return Math.max(0, Math.ceil(res.msBeforeNext / 1000))
    },
    async recordFailure(key, policy) {
      const res = await consume(failures(policy), key)
      const past = res.consumedPoints - policy.freeFailures
      if (past <= 0) return
      const delay = Math.min(policy.maxDelaySeconds, policy.firstDelaySeconds * 2 ** Math.min(past - 1, 30))
      await waits().block(key, delay)
    },
    async forgetFailures(key, policy) {
      await Promise.all([failures(policy).delete(key), waits().delete(key)])
    },
    ready: connect,
    store() {
      if (!redis) return { kind: 'memory' }
      return {
        kind: 'redis',
        reachable: reachable === true,
        ...(lastError !== undefined ? { lastError } : {}),
      }
    },
    async close() {
      if (redis && connecting) await redis.quit().catch(() => redis.disconnect())
    },
  }
}

/** A prefix no other instance uses, for tests sharing one Redis. */
export function uniqueRateLimitPrefix(): string {
  return `tollgate-test-${randomBytes(6).toString('hex')}`
}

/** consume() rejects with the result when over the limit; both are just a count to us. */
function consume(limiter: Limiter, key: string): Promise<RateLimiterRes> {
  return limiter.consume(key).catch(overLimit)
}

/** consume()'s rejection: the result when over the limit, rethrown when anything else (Redis). */
function overLimit(err: unknown): RateLimiterRes {
  if (err instanceof LimiterResult) return err
  throw err
}
