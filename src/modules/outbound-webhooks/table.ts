import type { Insertable, Selectable } from 'kysely'

/** Receivers other apps registered (`tollgate webhooks add`); `secret` is `whsec_` + base64. */
export interface WebhookEndpointTable {
  id: string
  url: string
  secret: string
  /** Comma-separated event types, or `*`. */
  events: string
  status: 'enabled' | 'disabled'
  /** Deliveries that gave up in a row; reset by a success. */
  consecutive_failures: number
  created_at: string
  disabled_at: string | null
}

/** One event for one endpoint: written in the transaction of the change, sent by the worker. */
export interface WebhookDeliveryTable {
  id: string
  endpoint_id: string
  /** The Standard Webhooks message id (`webhook-id`), the same on every retry. */
  message_id: string
  event_type: string
  payload: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  next_attempt_at: string
  last_status: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
}

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>
export type NewWebhookDeliveryRow = Insertable<WebhookDeliveryTable>
