/**
 * Sends due outbox mail. A row is sent, then marked; a failure bumps `attempts`, records the
 * error and schedules the next try with exponential back-off, giving up after MAX_ATTEMPTS.
 * @module
 */
import type { Deps } from '../../deps.js'
import { claimMail, listDueMail, updatePendingMail } from './repo.js'
import type { MailOutboxRow } from './table.js'

export const MAX_ATTEMPTS = 8
const BATCH = 20
/** How long a claimed mail is hidden from other senders while this one talks to SMTP. */
const LEASE_MS = 5 * 60_000

/** 30 s, 1 min, 2 min, … capped at one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** (attempts - 1), 3_600_000)
}

/** Sends every due mail once; returns how many rows it touched. */
export async function sendDueMail(deps: Deps): Promise<number> {
  const due = await listDueMail(deps.db, deps.clock.now().toISOString(), BATCH)
  for (const row of due) await sendOne(deps, row)
  return due.length
}

async function sendOne(deps: Deps, row: MailOutboxRow): Promise<void> {
  const lease = new Date(deps.clock.now().getTime() + LEASE_MS).toISOString()
  if (!(await claimMail(deps.db, row, lease))) return
  try {
    await deps.mail.send({
      to: row.to_address,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
    })
  } catch (err) {
    await recordFailure(deps, row, err)
    return
  }
  await updatePendingMail(deps.db, row.id, {
    status: 'sent',
    transport: deps.mail.transport,
    attempts: row.attempts + 1,
    sent_at: deps.clock.now().toISOString(),
    ...scrubbedFor(deps),
  })
}

/**
 * Mail can carry one-time secrets (access tokens, sign-in and reset links). Once SMTP has taken a
 * message, only who/what/when stays in the database; the dev mailbox keeps bodies so they can be read.
 */
export const SCRUBBED = {
  data: '{}',
  text_body: '(delivered; the body is not kept because it may hold a one-time secret)',
  html_body: '',
} as const

/** The dev mailbox shows bodies (test mode); every real transport drops them once done. */
function scrubbedFor(deps: Deps): Partial<typeof SCRUBBED> {
  return deps.mail.transport === 'dev' ? {} : SCRUBBED
}

async function recordFailure(deps: Deps, row: MailOutboxRow, err: unknown): Promise<void> {
  const attempts = row.attempts + 1
  const message = err instanceof Error ? err.message : String(err)
  const next = new Date(deps.clock.now().getTime() + retryDelayMs(attempts))
  deps.log.warn({ mailId: row.id, attempts, err: message }, 'mail send failed')
  await updatePendingMail(deps.db, row.id, {
    attempts,
    last_error: message.slice(0, 1000),
    next_attempt_at: next.toISOString(),
    // Given up: the body (perhaps a sign-in link) will never be sent, so it is not kept either.
    ...(attempts >= MAX_ATTEMPTS ? { status: 'failed' as const, ...scrubbedFor(deps) } : {}),
  })
}
