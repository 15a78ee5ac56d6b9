/**
 * /healthz and /readyz: liveness answers without touching anything; readiness fails (503) when
 * migrations are missing, the database is gone, a worker loop is stuck or Stripe does not answer.
 * @see issue 10
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { createManualClock } from '../../lib/clock.js'
import { createRateLimiter, uniqueRateLimitPrefix } from '../../lib/rate-limiter.js'
import { startWorkers } from '../../workers.js'

type Report = { status: string; checks: Record<string, [{ status: string; output: string }]> }

async function readyz(app: ReturnType<typeof createApp>): Promise<{ status: number; report: Report }> {
  const res = await app.request('/readyz')
  expect(res.headers.get('content-type')).toBe('application/health+json')
  return { status: res.status, report: (await res.json()) as Report }
}

describe.each(DIALECTS)('health on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
  })
  afterAll(() => t.close())

  it('/healthz answers even when the database is gone; /readyz names what fails', async () => {
    const gone = await createTestDeps(dialect)
    await gone.close()
    const app = createApp(gone.deps)
    expect((await app.request('/healthz')).status).toBe(200)
    const { status, report } = await readyz(app)
    expect(status).toBe(503)
    expect(report.checks.database?.[0]?.status).toBe('fail')
    expect(report.checks.migrations?.[0]?.output).toContain('the database is unreachable')
  })

  it('warns, never fails, when Redis does not answer: rate limits count per instance meanwhile', async () => {
    const rateLimits = createRateLimiter({ redisUrl: 'redis://127.0.0.1:9', prefix: uniqueRateLimitPrefix() })
    await rateLimits.ready()
    try {
      const { report } = await readyz(createApp({ ...t.deps, rateLimits }))
      const failing = Object.entries(report.checks).filter(([, [c]]) => c.status === 'fail')
      // These deps have no Stripe to ask; that is the only failure.
      expect(failing.map(([name]) => name)).toEqual(['stripe'])
      expect(report.checks['rate-limits']?.[0]?.status).toBe('warn')
      expect(report.checks['rate-limits']?.[0]?.output).toContain('counted per instance')
    } finally {
      await rateLimits.close()
    }
  })

  it('fails on migrations not applied and on Stripe not answering', async () => {
    const database = await createTestDatabase(dialect)
    try {
      const { report, status } = await readyz(createApp({ ...t.deps, db: database.db }))
      expect(status).toBe(503)
      expect(report.checks.migrations?.[0]).toMatchObject({
        status: 'fail',
        output: expect.stringMatching(/not applied: 2026_11_22_2330/),
      })
      // createTestDeps points the SDK at a closed port.
      expect(report.checks.stripe?.[0]?.status).toBe('fail')
    } finally {
      await database.close()
    }
  })

  it('fails when a worker loop has not come round for longer than its interval allows', async () => {
    const clock = createManualClock(new Date('2026-12-03T12:00:00Z'))
    const deps = { ...t.deps, clock }
    const workers = startWorkers(deps, [{ name: 'slow', intervalMs: 60_000, runOnce: async () => 0 }])
    try {
      expect((await workers.heartbeat(deps)).status).toBe('pass')
      clock.advance(4 * 60_000)
      expect(await workers.heartbeat(deps)).toMatchObject({ status: 'fail', detail: 'stuck: slow' })
    } finally {
      await workers.stop()
    }
  })
})
