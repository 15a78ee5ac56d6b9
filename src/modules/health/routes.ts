/**
 * `GET /healthz` (liveness: the process answers; nothing else is checked, so a database outage
 * never gets healthy instances restarted) and `GET /readyz` (readiness: see readiness.ts). Both
 * answer `application/health+json` (the IETF health check draft: `status` pass | warn | fail and
 * one entry per check); /readyz answers 503 when anything fails, which is what Kubernetes, load
 * balancers and uptime monitors act on.
 * @module
 */
import { Hono } from 'hono'
import type { AppEnv } from '../../http/env.js'
import type { CheckResult } from './check.js'
import { overallStatus } from './check.js'
import { checkReadiness, type HeartbeatCheck } from './readiness.js'

const HEADERS = { 'Content-Type': 'application/health+json', 'Cache-Control': 'no-store' }

export function createHealthRoutes(heartbeat?: HeartbeatCheck): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.body(JSON.stringify({ status: 'pass' }), 200, HEADERS))
    .get('/readyz', async (c) => {
      const results = await checkReadiness(c.get('deps'), heartbeat)
      const status = overallStatus(results)
      return c.body(JSON.stringify(healthDocument(status, results)), status === 'fail' ? 503 : 200, HEADERS)
    })
}

function healthDocument(status: string, results: CheckResult[]): object {
  const checks = Object.fromEntries(
    results.map((r) => [r.name, [{ status: r.status, output: r.detail, ...(r.fix ? { fix: r.fix } : {}) }]]),
  )
  return { status, checks }
}
