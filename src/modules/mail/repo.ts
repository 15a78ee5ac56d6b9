import { sql } from 'kysely'
import type { Executor } from '../../db/database.js'
import { containsText } from '../../db/portable.js'
import type { MailOutboxRow, MailOutboxUpdate, NewMailOutboxRow } from './table.js'

export async function insertOutboxMail(db: Executor, row: NewMailOutboxRow): Promise<void> {
  await db.insertInto('mail_outbox').values(row).execute()
}

/** Pending mail that is due (never tried, or its retry time has come), oldest first. */
export async function listDueMail(db: Executor, nowIso: string, limit: number): Promise<MailOutboxRow[]> {
  return (
    db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('status', '=', 'pending')
      // A first attempt is always due, whichever clock stamped the row; retries wait their turn.
      .where((eb) => eb.or([eb('attempts', '=', 0), eb('next_attempt_at', '<=', nowIso)]))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute()
  )
}

/** Updates a row only while it is still pending, so two workers never both mark one mail. */
export async function updatePendingMail(
  db: Executor,
  id: string,
  update: MailOutboxUpdate,
): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set(update)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function listOutboxMail(db: Executor, to?: string, limit = 200): Promise<MailOutboxRow[]> {
  let query = db
    .selectFrom('mail_outbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
  if (to !== undefined) query = query.where('to_address', '=', to.toLowerCase())
  return query.execute()
}

export const MAIL_STATUSES = ['pending', 'sent', 'failed'] as const

/** What the owner searches the outbox by: text in the address or subject, and the status. */
export type OutboxFilter = { query?: string; status?: (typeof MAIL_STATUSES)[number] }

/**
 * The outbox for the owner console, newest first: rows whose address or subject contains the
 * query (any case, `%` and `_` taken literally), of one status when given.
 */
export async function listOutboxPage(
  db: Executor,
  filter: OutboxFilter,
  page: { limit: number; offset: number },
): Promise<MailOutboxRow[]> {
  let query = db.selectFrom('mail_outbox').selectAll()
  const needle = filter.query?.trim().toLowerCase() ?? ''
  if (needle !== '') {
    query = query.where((eb) =>
      eb.or([
        containsText(eb.ref('to_address'), needle),
        containsText(sql`lower(${eb.ref('subject')})`, needle),
      ]),
    )
  }
  if (filter.status) query = query.where('status', '=', filter.status)
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
}

/**
 * Claims a due row for one sender: counts the attempt and pushes the next one out by a lease.
 * Only the worker whose update matched the row as it read it wins, on SQLite and PostgreSQL alike.
 */
export async function claimMail(db: Executor, row: MailOutboxRow, leaseUntilIso: string): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ next_attempt_at: leaseUntilIso, attempts: row.attempts + 1 })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .where('attempts', '=', row.attempts)
    .where('next_attempt_at', '=', row.next_attempt_at)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Mail not delivered: given up on, or still pending after `pendingBeforeIso`. */
export async function countUndeliveredMail(db: Executor, pendingBeforeIso: string): Promise<number> {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where((eb) =>
      eb.or([
        eb('status', '=', 'failed'),
        eb.and([eb('status', '=', 'pending'), eb('created_at', '<', pendingBeforeIso)]),
      ]),
    )
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findOutboxMail(db: Executor, id: string): Promise<MailOutboxRow | undefined> {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst()
}
