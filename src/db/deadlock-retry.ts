/**
 * Two transactions that make the same rows at once (the return from Checkout and the webhook for
 * it, both creating a customer and a subscription) can deadlock on MySQL's and PostgreSQL's
 * unique-key locks; the database then rolls one back and says so. That one is safe to run again:
 * the other has committed, and the retry finds its rows. Only the deadlock is retried.
 * @module
 */

const ATTEMPTS = 3

/** MySQL/MariaDB ER_LOCK_DEADLOCK (1213) or PostgreSQL deadlock_detected (40P01). */
export function isDeadlock(err: unknown): boolean {
  const e = err as { errno?: unknown; code?: unknown } | null
  return e?.errno === 1213 || e?.code === 'ER_LOCK_DEADLOCK' || e?.code === '40P01'
}

/** Runs `work` (one whole transaction) again when the database chose it as a deadlock's victim. */
export async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (err) {
      if (!isDeadlock(err) || attempt >= ATTEMPTS) throw err
    }
  }
}
