/**
 * Tollgate as a Web-standard fetch handler for serverless hosts (Vercel, Netlify, any runtime that
 * hands a function a `Request`). One instance is built per cold start: configuration from the
 * environment, the database reached and migrated, the app. There is no long-running worker:
 * after each request that may have queued work (a stored webhook event, an email), the inbox and
 * the mail outbox are drained after the response, through the platform's `waitUntil` when it has
 * one (or before answering when it has none), and the cron endpoint (`/cron`, CRON_SECRET) or
 * `scheduled()` runs retries, recovery, the outbox and housekeeping.
 * @module
 */
import type { Hono } from 'hono'
import { createApp } from '../app.js'
import { type Config, ConfigError, loadConfig, readEnvironment } from '../config.js'
import { CRON_WORKER, type CronSummary, runScheduledWork } from '../cron.js'
import { dialectOf } from '../db/connect.js'
import { migrateToLatest } from '../db/migrate.js'
import { describeDatabase, waitForDatabase } from '../db/wait.js'
import { createDeps, type Deps } from '../deps.js'
import type { AppEnv } from '../http/env.js'
import { databaseHeartbeat } from '../modules/health/index.js'
import { drainWorkers, WORKERS } from '../workers.js'

/** What a platform passes beside the request (Vercel and Netlify both offer `waitUntil`). */
export type PlatformContext = { waitUntil?(work: Promise<unknown>): void }

export type ServerlessHandler = {
  fetch(request: Request, context?: PlatformContext): Promise<Response>
  /** The cron run without HTTP, for platforms that invoke scheduled functions directly (Netlify). */
  scheduled(): Promise<CronSummary>
}

export type ServerlessOptions = {
  /** The environment (default: process.env plus `.env`). */
  env?: Record<string, string | undefined>
  /** Dependencies to use instead of building them (tests pass their database and logger). */
  deps?: Partial<Deps>
}

/** The cron run is expected every few minutes; /readyz fails when it has not run for this long. */
const CRON_STALE_MS = 15 * 60_000
/** Work after a response must finish well inside the platform's function time limit. */
const AFTER_RESPONSE_BUDGET_MS = 10_000
/** Requests after which nothing can be waiting (assets, probes) or that drain by themselves (cron). */
const NO_WORK_AFTER = /^\/(static\/|healthz$|readyz$|cron$|\.well-known\/|tollgate\.js$)/

/** The workers whose queues a request can fill: the webhook inbox and the mail outbox. */
const QUEUES = ['stripe-inbox', 'mail']

type Instance = { deps: Deps; app: Hono<AppEnv> }

export function createServerlessHandler(options: ServerlessOptions = {}): ServerlessHandler {
  let instance: Promise<Instance> | undefined
  const ready = (): Promise<Instance> => {
    instance ??= startInstance(options).catch((err: unknown) => {
      instance = undefined // the next request tries again (the database may be back)
      throw err
    })
    return instance
  }
  return {
    async fetch(request, context) {
      let started: Instance
      try {
        started = await ready()
      } catch (err) {
        console.error(`Tollgate could not start: ${err instanceof Error ? err.message : String(err)}`)
        return notStarted()
      }
      const response = await started.app.fetch(request)
      if (!NO_WORK_AFTER.test(new URL(request.url).pathname)) {
        await afterResponse(drainQueuedWork(started.deps), context)
      }
      return response
    },
    async scheduled() {
      return runScheduledWork((await ready()).deps)
    },
  }
}

async function startInstance(options: ServerlessOptions): Promise<Instance> {
  const config = serverlessConfig(options.env ?? readEnvironment())
  const deps = createDeps(config, options.deps)
  await waitForDatabase(deps.db, describeDatabase(config.databaseUrl), { log: deps.log, timeoutMs: 10_000 })
  const migrated = await migrateToLatest(deps.db)
  if (migrated.length > 0) deps.log.info({ migrations: migrated }, 'database migrated')
  const app = createApp(deps, { heartbeat: databaseHeartbeat(CRON_WORKER, CRON_STALE_MS) })
  return { deps, app }
}

/** The configuration, refused where serverless cannot work. */
export function serverlessConfig(env: Record<string, string | undefined>): Config {
  const config = loadConfig(env)
  const problems: string[] = []
  if (config.testMode) {
    problems.push(
      'STRIPE_SECRET_KEY: required on serverless (test mode runs the Stripe emulator inside a long-running process; use `npm start` for it)',
    )
  }
  if (dialectOf(config.databaseUrl) === 'sqlite') {
    problems.push(
      'DATABASE_URL: SQLite cannot be used on serverless (every instance has its own short-lived disk); use postgres://user:pass@host/db or mysql://user:pass@host/db',
    )
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

/** The inbox (a webhook just stored) and the outbox (an email just queued), until done or out of time. */
async function drainQueuedWork(deps: Deps): Promise<void> {
  const workers = WORKERS.filter((w) => QUEUES.includes(w.name))
  try {
    await drainWorkers(deps, { workers, until: performance.now() + AFTER_RESPONSE_BUDGET_MS })
  } catch (err) {
    // Nothing is lost: the events and mails stay due, and the cron run picks them up.
    deps.log.error({ err }, 'work after the response failed; the cron run will retry it')
  }
}

/** Hands the work to the platform to finish after the response, or finishes it first. */
async function afterResponse(work: Promise<void>, context: PlatformContext | undefined): Promise<void> {
  const waitUntil = context?.waitUntil ?? vercelWaitUntil()
  if (waitUntil) waitUntil.call(context, work)
  else await work
}

/** Vercel's `waitUntil` when the function was not handed a context (what `@vercel/functions` reads). */
function vercelWaitUntil(): PlatformContext['waitUntil'] {
  const slot = (globalThis as Record<symbol, unknown>)[Symbol.for('@vercel/request-context')] as
    | { get?(): PlatformContext | undefined }
    | undefined
  const waitUntil = slot?.get?.()?.waitUntil
  return waitUntil ? (work) => waitUntil(work) : undefined
}

function notStarted(): Response {
  const body = {
    error: { code: 'UNAVAILABLE', message: 'Tollgate could not start; the function log says why.' },
  }
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: { 'Content-Type': 'application/json', 'Retry-After': '30' },
  })
}
