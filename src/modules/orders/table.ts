import type { Insertable, Selectable } from 'kysely'

/** `disputed`: a chargeback is open or was lost; access is revoked until it is won. */
export type OrderStatus = 'paid' | 'partially_refunded' | 'refunded' | 'disputed'

/** One-time purchases, one per Checkout Session (the unique key that makes fulfilment idempotent). */
export interface OrderTable {
  id: string
  customer_id: string
  stripe_checkout_session_id: string
  stripe_payment_intent_id: string | null
  product_id: string
  price_lookup_key: string
  quantity: number
  amount: number
  amount_refunded: number
  currency: string
  status: OrderStatus
  /** The access token issued with the order, AES-GCM sealed, until the success page reveals it once. */
  sealed_access_token: string | null
  revealed_at: string | null
  created_at: string
  refunded_at: string | null
  /** Ad-hoc lines (`/api/v1`): the product name the integrator gave (no catalog product). */
  product_name: string | null
  /** The billing address Checkout collected (JSON of Stripe's Address), when it did. */
  billing_address: string | null
  /** The integrator's metadata (JSON object), when it gave any. */
  metadata: string | null
  /** Extra grants the integrator asked for (JSON `[feature, days | null][]`). */
  grants: string | null
  api_key_id: string | null
}

export type OrderRow = Selectable<OrderTable>
export type NewOrderRow = Insertable<OrderTable>

/** A dispute on an order's charge, as last seen from Stripe (inquiries included). */
export interface OrderDisputeTable {
  stripe_dispute_id: string
  order_id: string
  /** Stripe's dispute status: needs_response, under_review, won, lost, warning_* for inquiries… */
  status: string
  reason: string
  amount: number
  currency: string
  evidence_due_by: string | null
  created_at: string
  updated_at: string
}

export type OrderDisputeRow = Selectable<OrderDisputeTable>
