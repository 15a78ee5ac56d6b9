import type { Insertable, Selectable, Updateable } from 'kysely'

/**
 * One alert to the owner, written in the transaction of the change it announces (its emails go to
 * the mail outbox in the same transaction). `webhook_status` tracks the Slack-style webhook:
 * 'none' (no ALERT_WEBHOOK_URL) | 'pending' → 'sent' | 'failed' (gave up). `dedupe_key` makes an
 * alert that may be raised twice (a daily digest, a burst) exist once.
 */
export interface OwnerAlertTable {
  id: string
  kind: string
  dedupe_key: string
  subject: string
  text_body: string
  webhook_status: 'none' | 'pending' | 'sent' | 'failed'
  attempts: number
  next_attempt_at: string
  last_error: string | null
  created_at: string
  sent_at: string | null
}

export type OwnerAlertRow = Selectable<OwnerAlertTable>
export type NewOwnerAlertRow = Insertable<OwnerAlertTable>
export type OwnerAlertUpdate = Updateable<OwnerAlertTable>
