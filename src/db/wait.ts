/**
 * Waiting for the database at start: a container's database often starts beside the app, so an
 * unreachable database is retried with back-off (1 s, 2 s, 4 s … capped), each attempt logged with
 * the reason, before giving up with one clear line. A refusal that waiting cannot fix (wrong
 * password, unknown database, an unusable SQLite file) fails at once. Credentials never reach the
 * log.
 * @module
 */
import { type Kysely, sql } from 'kysely'

export type WaitOptions = {
  /** Total time to keep trying before giving up (default 60 s). */
  timeoutMs?: number
  /** First pause between attempts (default 1 s); doubles up to `maxDelayMs` (default 10 s). */
  firstDelayMs?: number
  maxDelayMs?: number
  log: { warn(details: object, message: string): void }
}

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError'
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

/** The error's message, with its code when the message does not say it (ECONNREFUSED, 3D000 …). */
function reasonOf(err: unknown): string {
  const { message, code } = (err ?? {}) as { message?: unknown; code?: unknown }
  const text = String(message ?? err)
  return code !== undefined && !text.includes(String(code)) ? `${text} (${String(code)})` : text
}

/** Resolves once `select 1` succeeds; throws DatabaseUnreachableError after the timeout. */
export async function waitForDatabase<DB>(
  db: Kysely<DB>,
  where: string,
  options: WaitOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000
  let delayMs = options.firstDelayMs ?? 1000
  const started = performance.now()
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`select 1`.execute(db)
      return
    } catch (err) {
      const reason = reasonOf(err)
      if (isPermanent(err)) {
        throw new DatabaseUnreachableError(
          `DATABASE_URL: the database at ${where} refused Tollgate (${reason})`,
        )
      }
      const elapsed = performance.now() - started
      if (elapsed + delayMs > timeoutMs) {
        throw new DatabaseUnreachableError(
          `DATABASE_URL: the database at ${where} is unreachable (${reason}); gave up after ${attempt} attempts in ${Math.round(elapsed / 1000)} s`,
        )
      }
      options.log.warn(
        { attempt, retryInMs: delayMs, reason, database: where },
        `database unreachable; retrying in ${delayMs / 1000} s`,
      )
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      delayMs = Math.min(delayMs * 2, options.maxDelayMs ?? 10_000)
    }
  }
}

/** DATABASE_URL without its password, for messages. */
export function describeDatabase(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')
}
