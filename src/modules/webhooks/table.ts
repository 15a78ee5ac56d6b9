import type { Insertable, Selectable, Updateable } from 'kysely'

/**
 * The inbox's ids (`newId`): made from the time the event was stored, so they sort by it, which
 * pruning relies on.
 */
export const INBOX_ID_PREFIX = 'ibx'

/** The webhook inbox: every verified (or recovered) Stripe event, once, until handled. */
export interface StripeEventTable {
  id: string
  stripe_event_id: string
  type: string
  /** The event JSON as received; handlers re-fetch the object it names rather than trust it. */
  payload: string
  /** Stripe's `created` (unix seconds): the inbox handles events oldest first. */
  event_created: number
  source: 'webhook' | 'recovery'
  received_at: string
  handled_at: string | null
  attempts: number
  last_error: string | null
  next_attempt_at: string
}

export type StripeEventRow = Selectable<StripeEventTable>
export type NewStripeEventRow = Insertable<StripeEventTable>
export type StripeEventUpdate = Updateable<StripeEventTable>

/** How far a job reading Stripe's event list has got (recovery: `position` = events through then). */
export interface WebhookCursorTable {
  name: string
  /** ISO time: every event created before it (less an overlap) has been read. */
  position: string
  updated_at: string
}
