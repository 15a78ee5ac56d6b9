/**
 * The mail outbox: `enqueueMail` writes a rendered email inside the caller's transaction, so the
 * email exists exactly when the business change it announces was committed.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { insertOutboxMail, listOutboxMail } from './repo.js'
import type { MailTemplate } from './templates.js'

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

/** Queues one email; pass the open transaction (`trx`). Returns the outbox id (`msg_…`). */
export async function enqueueMail<Data extends object>(
  trx: Executor,
  mail: MailRequest<Data>,
  at: Date,
): Promise<string> {
  const rendered = mail.template.render(mail.data)
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
