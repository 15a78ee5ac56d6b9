/**
 * Background workers, the composition root's schedule: each polls for due work (`runOnce` returns
 * how many items it handled, and a worker that found work polls again at once). Scheduled jobs
 * (`everyMs`) run at most that often by the app clock, so in test mode an emulator clock advance
 * makes them due. Tests call `drainWorkers` to run them until nothing is left. Workers are edges:
 * each run opens whatever transactions it needs.
 * @module
 */
import { dialectOf } from './db/connect.js'
import { listenOnPostgres } from './db/listen.js'
import { dialectOfExecutor } from './db/portable.js'
import type { Deps } from './deps.js'
import { EVENT_HANDLERS, HANDLED_EVENT_TYPES } from './event-handlers.js'
import { pruneExpired } from './jobs/prune.js'
import { deliverDueAlerts, sendDailyDigest } from './modules/alerts/index.js'
import { type CheckResult, fail, type HeartbeatCheck, pass } from './modules/health/index.js'
import { sendDueMail } from './modules/mail/index.js'
import { deliverDueWebhooks } from './modules/outbound-webhooks/index.js'
import {
  INBOX_BATCH,
  INBOX_CHANNEL,
  onInboxEvent,
  processInbox,
  RECOVERY_INTERVAL_MS,
  recoverMissedEvents,
  onInboxNotification,
} from './modules/webhooks/index.js'

export type Worker = {
  name: string
  /** Pause between polls when the last run found nothing to do. */
  intervalMs: number
  /** A schedule: run at most once per this many ms of app-clock time (the first run is at start). */
  everyMs?: number
  /**
   * The loop's first run waits this long after start (the first runs of the others are at once):
   * for work that loads heavy modules and is not urgent, so a server's first answers do not wait
   * for it.
   */
  firstRunDelayMs?: number
  /** Subscribes to a signal that wakes the worker before its poll interval is over. */
  wakeOn?: (wake: () => void) => () => void
  /**
   * Most items one run takes. A run that handled fewer found everything due, so the loop sleeps
   * (unless woken) instead of polling again at once to find nothing. Without it, any work found
   * means another run straight away.
   */
  batch?: number
  runOnce(deps: Deps): Promise<number>
}

export const WORKERS: Worker[] = [
  { name: 'mail', intervalMs: 1000, runOnce: sendDueMail },
  {
    name: 'stripe-inbox',
    intervalMs: 250,
    // Woken as soon as the intake stores an event; the poll is the safety net.
    wakeOn: onInboxEvent,
    batch: INBOX_BATCH,
    runOnce: (deps) => processInbox(deps, EVENT_HANDLERS),
  },
  {
    name: 'stripe-recovery',
    intervalMs: 60_000,
    everyMs: RECOVERY_INTERVAL_MS,
    // Asking Stripe loads its SDK (a sixth of a cold start): after the server's first answers.
    firstRunDelayMs: 5_000,
    runOnce: (deps) =>
      recoverMissedEvents(deps, HANDLED_EVENT_TYPES).catch((err: Error) => {
        deps.log.warn({ err: err.message }, 'event recovery failed; will retry')
        return 0
      }),
  },
  { name: 'outbound-webhooks', intervalMs: 1000, runOnce: deliverDueWebhooks },
  // The owner's Slack-style webhook (their emails go through the mail outbox above).
  { name: 'owner-alerts', intervalMs: 1000, runOnce: deliverDueAlerts },
  {
    name: 'owner-digest',
    intervalMs: 60_000,
    everyMs: 10 * 60_000,
    runOnce: async (deps) => ((await sendDailyDigest(deps)) ? 1 : 0),
  },
  { name: 'prune', intervalMs: 60_000, everyMs: 60 * 60_000, runOnce: pruneExpired },
]

export type RunningWorkers = {
  stop(): Promise<void>
  /** Readiness: every loop came round recently (a loop stuck in a run goes stale). */
  heartbeat: HeartbeatCheck
}

/** A loop is stale when it has not come round for its poll interval plus this long. */
const STUCK_AFTER_MS = 2 * 60_000

/** Starts every worker's poll loop; `stop()` wakes sleeping loops and waits for running ones. */
export function startWorkers(deps: Deps, workers: Worker[] = WORKERS): RunningWorkers {
  const stopping = new AbortController()
  const lastRound = new Map<string, number>()
  const listener = listenForOtherInstances(deps)
  const loops = workers.map(async (worker) => {
    // A signal during a run means new work may have missed it: run again instead of sleeping.
    let woken = false
    let wakeSleep: (() => void) | undefined
    const unsubscribe = worker.wakeOn?.(() => {
      woken = true
      wakeSleep?.()
    })
    if (worker.firstRunDelayMs !== undefined) await sleep(worker.firstRunDelayMs, stopping.signal)
    while (!stopping.signal.aborted) {
      lastRound.set(worker.name, deps.clock.now().getTime())
      woken = false
      let handled = 0
      try {
        handled = await runIfDue(deps, worker)
      } catch (err) {
        deps.log.error({ err, worker: worker.name }, 'worker run failed')
      }
      const foundAll = handled === 0 || (worker.batch !== undefined && handled < worker.batch)
      if (foundAll && !woken) {
        await sleep(worker.intervalMs, stopping.signal, (wake) => {
          wakeSleep = wake
        })
        wakeSleep = undefined
      }
    }
    unsubscribe?.()
  })
  return {
    async stop() {
      stopping.abort()
      await Promise.all(loops)
      await listener?.close()
    },
    heartbeat: async (current) => loopsAlive(current, workers, lastRound),
  }
}

function loopsAlive(deps: Deps, workers: Worker[], lastRound: Map<string, number>): CheckResult {
  const now = deps.clock.now().getTime()
  const stale = workers.filter((w) => now - (lastRound.get(w.name) ?? now) > w.intervalMs + STUCK_AFTER_MS)
  if (stale.length === 0) return pass('workers', `${workers.length} worker loops running`)
  return fail(
    'workers',
    `stuck: ${stale.map((w) => w.name).join(', ')}`,
    'Look at the logs; restart the process.',
  )
}

/**
 * Runs all workers until a full round handles nothing (or maxRounds, or the `until` deadline in
 * `performance.now()` time); returns how many items each handled. `schedule: 'ignore'` runs the
 * scheduled jobs in the first round whether due or not. For tests, the CLI, the
 * serverless cron run and the work after a serverless response.
 */
export async function drainWorkers(
  deps: Deps,
  options: { workers?: Worker[]; maxRounds?: number; until?: number; schedule?: 'follow' | 'ignore' } = {},
): Promise<Record<string, number>> {
  const workers = options.workers ?? WORKERS
  const counts: Record<string, number> = Object.fromEntries(workers.map((w) => [w.name, 0]))
  for (let round = 0; round < (options.maxRounds ?? 50); round++) {
    let handled = 0
    for (const worker of workers) {
      // A cron run is itself the schedule: its scheduled jobs run once per run.
      const ignore = options.schedule === 'ignore' && round === 0
      const n = ignore ? await worker.runOnce(deps) : await runIfDue(deps, worker)
      counts[worker.name] = (counts[worker.name] ?? 0) + n
      handled += n
    }
    if (handled === 0 || (options.until !== undefined && performance.now() > options.until)) break
  }
  return counts
}

/** When each scheduled worker last ran, per database (one app, or one test, per database). */
const lastRuns = new WeakMap<object, Map<string, number>>()

async function runIfDue(deps: Deps, worker: Worker): Promise<number> {
  if (worker.everyMs === undefined) return worker.runOnce(deps)
  const runs = lastRuns.get(deps.db) ?? new Map<string, number>()
  lastRuns.set(deps.db, runs)
  const now = deps.clock.now().getTime()
  const previous = runs.get(worker.name)
  if (previous !== undefined && now - previous < worker.everyMs) return 0
  runs.set(worker.name, now)
  return worker.runOnce(deps)
}

/**
 * On PostgreSQL, another instance's intake announces a new event with NOTIFY: ring this
 * process's inbox signal too. (SQLite has one writer process; MySQL instances rely on the poll.)
 */
function listenForOtherInstances(deps: Deps): { close(): Promise<void> } | undefined {
  if (dialectOfExecutor(deps.db) !== 'postgres' || dialectOf(deps.config.databaseUrl) !== 'postgres') return
  return listenOnPostgres(deps.config.databaseUrl, INBOX_CHANNEL, onInboxNotification, (err) =>
    deps.log.warn(
      { err: err.message },
      'inbox LISTEN connection lost; reconnecting (the poll covers the gap)',
    ),
  )
}

/**
 * Resolves after `ms`, when the signal aborts (so shutdown never waits out a poll interval), or
 * when the function handed to `onWake` is called.
 */
function sleep(ms: number, signal: AbortSignal, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    onWake?.(done)
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
