import type { Insertable, Selectable } from 'kysely'

/** Checkout Sessions we created and that may still be paid: reused for the same email and price. */
export interface PendingCheckoutTable {
  id: string
  stripe_checkout_session_id: string
  email: string | null
  customer_id: string | null
  price_lookup_key: string
  quantity: number
  mode: 'payment' | 'subscription'
  url: string | null
  /** `processing`: completed with a bank debit the bank has not answered yet. */
  status: 'open' | 'processing' | 'complete' | 'expired' | 'failed'
  expires_at: string
  created_at: string
}

export type PendingCheckoutRow = Selectable<PendingCheckoutTable>
export type NewPendingCheckoutRow = Insertable<PendingCheckoutTable>
