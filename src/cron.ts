/**
 * The scheduled work of a deployment without a long-running process (Vercel, Netlify, any
 * serverless host): `GET|POST /cron` with `Authorization: Bearer <CRON_SECRET>` (the header Vercel
 * Cron sends) runs, once and within a time budget, what the background workers do in a server:
 * the webhook inbox and its retries, recovery of missed events from Stripe, the mail outbox and
 * housekeeping, then records the run for /readyz. Without CRON_SECRET the endpoint does not exist.
 * @module
 */
import { Hono } from 'hono'
import type { Deps } from './deps.js'
import { clientIp } from './http/client-ip.js'
import type { AppEnv } from './http/env.js'
import { enforceRateLimit } from './http/rate-limit.js'
import { AppError } from './lib/errors.js'
import { safeEqual } from './lib/tokens.js'
import { upsertHeartbeat } from './modules/health/index.js'
import { drainWorkers } from './workers.js'

/** The worker name the cron run records its heartbeat under. */
export const CRON_WORKER = 'cron'
/** Serverless functions are stopped after a limit (Netlify's scheduled functions: 30 s). */
const CRON_BUDGET_MS = 20_000
/** Guesses at the secret per client and minute (a scheduler calls every few minutes). */
const CRON_LIMIT = { limit: 20, windowSeconds: 60 }

export type CronSummary = { handled: Record<string, number>; durationMs: number }

/** Runs every worker until nothing is due or the budget is spent, then records the heartbeat. */
export async function runScheduledWork(deps: Deps, budgetMs = CRON_BUDGET_MS): Promise<CronSummary> {
  const started = performance.now()
  const handled = await drainWorkers(deps, { until: started + budgetMs, schedule: 'ignore' })
  await upsertHeartbeat(deps.db, CRON_WORKER, deps.clock.now().toISOString())
  const durationMs = Math.round(performance.now() - started)
  deps.log.info({ handled, durationMs }, 'cron run finished')
  return { handled, durationMs }
}

export const cronRoutes = new Hono<AppEnv>().on(['GET', 'POST'], '/cron', async (c) => {
  const deps = c.get('deps')
  const secret = deps.config.cronSecret
  if (secret === undefined) throw new AppError('NOT_FOUND')
  await enforceRateLimit(deps, `cron:${clientIp(c)}`, CRON_LIMIT)
  const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? ''
  if (!safeEqual(given, secret))
    throw new AppError('UNAUTHORIZED', { message: 'A valid CRON_SECRET is required.' })
  return c.json(await runScheduledWork(deps))
})
