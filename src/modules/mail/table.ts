import type { Insertable, Selectable, Updateable } from 'kysely'

/** One queued email. `status`: pending → sent (transport 'smtp' or 'dev') | failed (gave up). */
export interface MailOutboxTable {
  id: string
  to_address: string
  template: string
  /** JSON text of the template data, kept for debugging and re-rendering. */
  data: string
  subject: string
  text_body: string
  html_body: string
  status: 'pending' | 'sent' | 'failed'
  transport: string | null
  attempts: number
  last_error: string | null
  next_attempt_at: string
  created_at: string
  sent_at: string | null
}

export type MailOutboxRow = Selectable<MailOutboxTable>
export type NewMailOutboxRow = Insertable<MailOutboxTable>
export type MailOutboxUpdate = Updateable<MailOutboxTable>
