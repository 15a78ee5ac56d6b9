/**
 * Waits for the database at start-up. A server that is still starting, or a network that is not
 * up yet (containers started side by side), is retried with back-off and every wait is logged; a
 * refusal that waiting cannot fix (wrong password, unknown database, an unusable SQLite file) fails
 * at once. After the time allowed it gives up with one line saying why.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Executor } from './database.js'

export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options)
    this.name = 'DatabaseUnavailableError'
  }
}

export type WaitOptions = {
  log: Logger
  /** How long to keep trying in all (default one minute). */
  timeoutMs?: number
  /** The first pause; each next one doubles, up to `maxDelayMs`. */
  firstDelayMs?: number
  maxDelayMs?: number
}

/** PostgreSQL SQLSTATEs and MySQL error codes that no amount of waiting fixes. */
const PERMANENT = new Set([
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification
  '3D000', // invalid_catalog_name: no such database
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
])

function isPermanent(err: unknown): boolean {
  const code = String((err as { code?: unknown } | undefined)?.code ?? '')
  return PERMANENT.has(code) || code.startsWith('SQLITE_')
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | undefined
  const message = String(e?.message ?? err) || String(e?.code ?? 'unknown error')
  return e?.code && !message.includes(String(e.code)) ? `${message} (${String(e.code)})` : message
}

export async function waitForDatabase(db: Executor, options: WaitOptions): Promise<void> {
  const { log, timeoutMs = 60_000, firstDelayMs = 500, maxDelayMs = 10_000 } = options
  let waited = 0
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`select 1`.execute(db)
      if (attempt > 1) log.info({ attempts: attempt }, 'database reachable')
      return
    } catch (err) {
      if (isPermanent(err))
        throw new DatabaseUnavailableError(`Database refused: ${describe(err)}`, { cause: err })
      const delay = Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs, timeoutMs - waited)
      if (delay <= 0) {
        throw new DatabaseUnavailableError(
          `Database not reachable after ${attempt} attempts over ${(waited / 1000).toFixed(1)} s: ${describe(err)}`,
          { cause: err },
        )
      }
      log.warn({ attempt, retryInMs: delay, err: describe(err) }, 'database not reachable yet; retrying')
      await sleep(delay)
      waited += delay
    }
  }
}
