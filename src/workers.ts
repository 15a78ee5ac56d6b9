/**
 * Background workers: each polls for due work (`runOnce` returns how many items it handled).
 * Modules add one line to WORKERS. Tests call `drainWorkers` to run them until nothing is left.
 * @module
 */
import type { Deps } from './deps.js'
import { sendDueMail } from './modules/mail/worker.js'
import { processInbox } from './modules/webhooks/inbox.js'
import { runRecovery } from './modules/webhooks/recover.js'

export type Worker = {
  name: string
  /** Pause between polls when the last run found nothing to do. */
  intervalMs: number
  runOnce(deps: Deps): Promise<number>
}

export const WORKERS: Worker[] = [
  { name: 'mail', intervalMs: 1000, runOnce: sendDueMail },
  { name: 'stripe-inbox', intervalMs: 250, runOnce: processInbox },
  { name: 'stripe-recovery', intervalMs: 60_000, runOnce: runRecovery },
]

export type RunningWorkers = { stop(): Promise<void> }

/** Starts every worker's poll loop; `stop()` wakes sleeping loops and waits for running ones. */
export function startWorkers(deps: Deps, workers: Worker[] = WORKERS): RunningWorkers {
  const stopping = new AbortController()
  const loops = workers.map(async (worker) => {
    while (!stopping.signal.aborted) {
      let handled = 0
      try {
        handled = await worker.runOnce(deps)
      } catch (err) {
        deps.log.error({ err, worker: worker.name }, 'worker run failed')
      }
      if (handled === 0) await sleep(worker.intervalMs, stopping.signal)
    }
  })
  return {
    async stop() {
      stopping.abort()
      await Promise.all(loops)
    },
  }
}

/** Runs all workers until a full round handles nothing (or maxRounds); for tests and the CLI. */
export async function drainWorkers(
  deps: Deps,
  options: { workers?: Worker[]; maxRounds?: number } = {},
): Promise<void> {
  const workers = options.workers ?? WORKERS
  for (let round = 0; round < (options.maxRounds ?? 50); round++) {
    let handled = 0
    for (const worker of workers) handled += await worker.runOnce(deps)
    if (handled === 0) return
  }
}

/** Resolves after `ms`, or at once when the signal aborts (so shutdown never waits out a poll interval). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
