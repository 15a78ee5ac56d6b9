/**
 * `alertOwner`: tells the shop's owner that something happened. Called inside the transaction of
 * the change it announces (a sale, a dispute, …), it writes one `owner_alerts` row and, unless the
 * kind is switched off (ALERTS_OFF), queues an email to each of ADMIN_EMAILS in the mail outbox and
 * marks the row for the Slack-style webhook (ALERT_WEBHOOK_URL). Nothing leaves the machine here:
 * the mail and webhook workers send later, so a crash loses nothing and a slow receiver never
 * holds the business transaction. A switched-off alert is still recorded, for the daily digest.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { AlertKind, AlertSettings } from '../../lib/alert-settings.js'
import { newId } from '../../lib/ids.js'
import { enqueueMail, type MailContext, type MailTemplate } from '../mail/index.js'
import { OWNER_NOTE_TEMPLATE, type OwnerNoteMail } from './mail.js'
import { insertAlert } from './repo.js'

/** What alerting needs (`Deps` satisfies it). */
export type AlertContext = MailContext & {
  config: MailContext['config'] & { adminEmails: readonly string[]; alerts: AlertSettings }
}

export type OwnerAlert<Data extends object> = {
  kind: AlertKind | 'digest'
  template: MailTemplate<Data>
  data: Data
  /** Raised at most once per key (a dispute id, a day); without one, every call alerts. */
  key?: string
}

/** Returns true when the alert was written now (false: switched off, or already raised for `key`). */
export async function alertOwner<Data extends object>(
  trx: Executor,
  ctx: AlertContext,
  alert: OwnerAlert<Data>,
): Promise<boolean> {
  const { adminEmails, alerts, brand } = ctx.config
  const off = alert.kind !== 'digest' && alerts.off.includes(alert.kind)
  const now = ctx.clock.now()
  const id = newId('alr', now.getTime())
  const rendered = alert.template.render(alert.data, brand)
  const inserted = await insertAlert(trx, {
    id,
    kind: alert.kind,
    dedupe_key: alert.key ?? id,
    subject: rendered.subject,
    text_body: rendered.text,
    webhook_status: alerts.webhookUrl && !off ? 'pending' : 'none',
    attempts: 0,
    next_attempt_at: now.toISOString(),
    last_error: null,
    created_at: now.toISOString(),
    sent_at: null,
  })
  if (!inserted || off) return false
  for (const to of adminEmails) {
    await enqueueMail(trx, { to, template: alert.template, data: alert.data }, ctx)
  }
  return true
}

/** A plain alert of a subject and a few lines, for kinds without a template of their own. */
export function ownerNote(kind: AlertKind, note: OwnerNoteMail, key?: string): OwnerAlert<OwnerNoteMail> {
  return { kind, template: OWNER_NOTE_TEMPLATE, data: note, ...(key ? { key } : {}) }
}
