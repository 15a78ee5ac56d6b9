import type { Insertable, Selectable } from 'kysely'

export type OrderStatus = 'paid' | 'partially_refunded' | 'refunded'

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
}

export type OrderRow = Selectable<OrderTable>
export type NewOrderRow = Insertable<OrderTable>
