/**
 * Readiness: may this instance take traffic? The database answers, every migration is applied,
 * the background workers are alive (in this process, or the cron run on serverless), and Stripe
 * (or the emulator in test mode) answers. Stripe's answer is cached briefly so frequent probes do
 * not become API traffic.
 * @module
 */
import { sql } from 'kysely'
import type Stripe from 'stripe'
import { listPendingMigrations } from '../../db/migrate.js'
import type { Deps } from '../../deps.js'
import { type CheckResult, fail, guarded, pass, warn, withTimeout } from './check.js'
import { findHeartbeat } from './repo.js'

/** How worker liveness is judged where this app runs. */
export type HeartbeatCheck = (deps: Deps) => Promise<CheckResult>

const PROBE_TIMEOUT_MS = 5000
const STRIPE_CACHE_MS = 30_000

export async function checkReadiness(deps: Deps, heartbeat?: HeartbeatCheck): Promise<CheckResult[]> {
  const database = await checkDatabase(deps)
  const migrations =
    database.status === 'pass'
      ? await checkMigrations(deps)
      : fail('migrations', 'not checked: the database is unreachable', 'Fix the database first.')
  const workers = heartbeat
    ? await guarded('workers', 'Look at the worker logs.', () => heartbeat(deps))
    : pass('workers', 'no background workers are watched by this app')
  return [database, migrations, workers, await checkStripe(deps), checkRateLimitStore(deps)]
}

/**
 * Redis down is a warning, not a failure: rate limits keep counting per instance meanwhile, and
 * taking every instance out of rotation for it would be worse than looser limits.
 */
function checkRateLimitStore(deps: Deps): CheckResult {
  const store = deps.rateLimits.store()
  if (store.kind === 'memory') return pass('rate-limits', 'counted in this instance (REDIS_URL unset)')
  if (store.reachable) return pass('rate-limits', 'shared in Redis')
  return warn(
    'rate-limits',
    `Redis does not answer${store.lastError ? ` (${store.lastError})` : ''}: counted per instance meanwhile`,
    'Check REDIS_URL and that Redis is up.',
  )
}

async function checkDatabase(deps: Deps): Promise<CheckResult> {
  return guarded('database', 'Check DATABASE_URL and that the database server is up.', async () => {
    const started = deps.clock.now().getTime()
    await withTimeout(sql`select 1`.execute(deps.db), PROBE_TIMEOUT_MS, 'the database')
    return pass('database', `answered in ${deps.clock.now().getTime() - started} ms`)
  })
}

export async function checkMigrations(deps: Deps): Promise<CheckResult> {
  return guarded('migrations', 'Run `tollgate migrate`.', async () => {
    const pending = await listPendingMigrations(deps.db)
    if (pending.length === 0) return pass('migrations', 'every migration is applied')
    return fail(
      'migrations',
      `${pending.length} not applied: ${pending.join(', ')}`,
      'Run `tollgate migrate`.',
    )
  })
}

const stripeAnswers = new WeakMap<Stripe, { at: number; result: CheckResult }>()

async function checkStripe(deps: Deps): Promise<CheckResult> {
  const now = deps.clock.now().getTime()
  const cached = stripeAnswers.get(deps.stripe)
  if (cached && now - cached.at < STRIPE_CACHE_MS) return cached.result
  const what = deps.config.testMode ? 'the Stripe emulator' : 'Stripe'
  const result = await guarded('stripe', 'Check STRIPE_SECRET_KEY and outbound network access.', async () => {
    await withTimeout(deps.stripe.events.list({ limit: 1 }), PROBE_TIMEOUT_MS, what)
    return pass('stripe', `${what} answered`)
  })
  stripeAnswers.set(deps.stripe, { at: now, result })
  return result
}

/**
 * Liveness of a worker that runs elsewhere and records its runs in the database (the cron run on
 * serverless): fresh when it ran within `maxAgeMs`.
 */
export function databaseHeartbeat(worker: string, maxAgeMs: number): HeartbeatCheck {
  return async (deps) => {
    const row = await findHeartbeat(deps.db, worker)
    const fix =
      'Make sure the scheduler calls /cron with CRON_SECRET (see docs/deploy-vercel.md, docs/deploy-netlify.md).'
    if (!row) return fail('workers', `the ${worker} run has never run`, fix)
    const ageMs = deps.clock.now().getTime() - Date.parse(row.beat_at)
    const ago = `${Math.round(ageMs / 1000)} s ago`
    if (ageMs > maxAgeMs) return fail('workers', `the ${worker} run last ran ${ago}`, fix)
    return pass('workers', `the ${worker} run last ran ${ago}`)
  }
}
