/**
 * The mail outbox: `enqueueMail` writes a rendered email inside the caller's transaction, so the
 * email exists exactly when the business change it announces was committed.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Brand } from '../../lib/brand.js'
import type { Clock } from '../../lib/clock.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { findOutboxMail, insertOutboxMail, listOutboxMail, updatePendingMail } from './repo.js'
import { brandMail, type MailTemplate } from './templates.js'
import { SCRUBBED } from './worker.js'

/** One email to queue: the template and its data (kept as JSON on the row). */
export type MailRequest<Data extends object> = { to: string; template: MailTemplate<Data>; data: Data }

export type DevMail = {
  id: string
  to: string
  template: string
  subject: string
  text: string
  html: string
  status: string
  createdAt: string
  data: Record<string, unknown>
}

/** What rendering needs besides the data: the time and the shop's brand (`Deps` satisfies it). */
export type MailContext = { clock: Clock; config: { brand: Brand } }

/** Queues one email; pass the open transaction (`trx`). Returns the outbox id (`msg_…`). */
export async function enqueueMail<Data extends object>(
  trx: Executor,
  mail: MailRequest<Data>,
  ctx: MailContext,
): Promise<string> {
  const { brand } = ctx.config
  const rendered = brandMail(mail.template.render(mail.data, brand), brand)
  const at = ctx.clock.now()
  const now = at.toISOString()
  const id = newId('msg', at.getTime())
  await insertOutboxMail(trx, {
    id,
    to_address: mail.to.trim().toLowerCase(),
    template: mail.template.name,
    data: JSON.stringify(mail.data),
    subject: rendered.subject,
    text_body: rendered.text,
    html_body: rendered.html,
    status: 'pending',
    transport: null,
    attempts: 0,
    last_error: null,
    next_attempt_at: now,
    created_at: now,
    sent_at: null,
  })
  return id
}

/** Every queued email (newest first), optionally for one address: the dev mailbox, for tests and /dev/mail. */
export async function listDevMail(db: Executor, to?: string): Promise<DevMail[]> {
  const rows = await listOutboxMail(db, to)
  return rows.map((r) => ({
    id: r.id,
    to: r.to_address,
    template: r.template,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    status: r.status,
    createdAt: r.created_at,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }))
}

export type ResendOutcome = { kind: 'retry-now' | 'queued-copy'; id: string }

/**
 * The console's "resend": a mail still pending is made due now; a sent or given-up one whose body
 * was kept (the dev mailbox) is queued again as a new row. A body dropped after delivery is not
 * rebuilt (it may have held a one-time secret): that answers MAIL_BODY_NOT_KEPT.
 */
export async function resendMail(db: Executor, id: string, at: Date): Promise<ResendOutcome> {
  const row = await findOutboxMail(db, id)
  if (!row) throw new AppError('MAIL_NOT_FOUND')
  const now = at.toISOString()
  if (row.status === 'pending' && (await updatePendingMail(db, id, { next_attempt_at: now }))) {
    return { kind: 'retry-now', id }
  }
  if (row.text_body === SCRUBBED.text_body) throw new AppError('MAIL_BODY_NOT_KEPT')
  const copy = newId('msg', at.getTime())
  await insertOutboxMail(db, {
    ...row,
    id: copy,
    status: 'pending',
    transport: null,
    attempts: 0,
    last_error: null,
    next_attempt_at: now,
    created_at: now,
    sent_at: null,
  })
  return { kind: 'queued-copy', id: copy }
}
