import type { Generated, Insertable, Selectable } from 'kysely'

/**
 * One row per Stripe subscription, as last fetched from Stripe. Period dates come from the
 * subscription items (API 2025+). `fetched_at` is when the Stripe read started: an older read never
 * overwrites a newer one.
 */
export interface SubscriptionTable {
  id: string
  stripe_subscription_id: string
  customer_id: string
  stripe_customer_id: string
  status: string
  price_lookup_key: string | null
  stripe_price_id: string | null
  product_id: string | null
  plan_family: string | null
  start_date: string
  current_period_start: string | null
  current_period_end: string | null
  cancel_at_period_end: number
  cancel_at: string | null
  canceled_at: string | null
  ended_at: string | null
  trial_start: string | null
  trial_end: string | null
  latest_invoice_id: string | null
  latest_invoice_status: string | null
  latest_invoice_created: string | null
  cancellation_reason: string | null
  /** Stripe's `cancellation_details.feedback` and `comment`: why the member canceled. */
  cancellation_feedback: string | null
  cancellation_comment: string | null
  /** A downgrade waiting for the period end (subscription metadata `tollgate_switch_to`). */
  scheduled_price_lookup_key: string | null
  /** An integrator's ad-hoc subscription: the features its checkout granted (JSON `[feature, days][]`). */
  grants: string | null
  /** An integrator's ad-hoc subscription: the line's product name (no catalog product). */
  product_name: string | null
  fetched_at: string
  created_at: string
  updated_at: string
}

/** Invoices of subscriptions (mapped through `invoice.parent.subscription_details`). */
export interface InvoiceTable {
  id: string
  stripe_invoice_id: string
  stripe_subscription_id: string | null
  customer_id: string
  status: string
  billing_reason: string | null
  currency: string
  subtotal: number
  total: number
  amount_due: number
  amount_paid: number
  attempt_count: number
  hosted_invoice_url: string | null
  /** Stripe's PDF of the finalized invoice, and its number (both null on drafts). */
  invoice_pdf: string | null
  number: string | null
  period_start: string | null
  period_end: string | null
  stripe_created: string
  updated_at: string
  /** What was refunded of the invoice's payment (Stripe's charge total), and when that last grew. */
  amount_refunded: Generated<number>
  refunded_at: string | null
}

export type SubscriptionRow = Selectable<SubscriptionTable>
export type NewSubscriptionRow = Insertable<SubscriptionTable>
export type InvoiceRow = Selectable<InvoiceTable>
export type NewInvoiceRow = Insertable<InvoiceTable>

/**
 * The append-only history of what each subscription is worth: a row whenever its status, price,
 * quantity or discount changes, so MRR on any past day can be recomputed (docs/metrics.md).
 * `amount` is what one billing interval costs before the discount (unit amount × quantity).
 */
export interface SubscriptionHistoryTable {
  id: string
  stripe_subscription_id: string
  customer_id: string
  effective_at: string
  status: string
  price_lookup_key: string | null
  currency: string
  amount: number
  interval: 'day' | 'week' | 'month' | 'year'
  interval_count: number
  /** A recurring percent-off discount in basis points (12.5% → 1250). */
  discount_percent_bp: number | null
  /** A recurring amount-off discount per invoice, in the subscription's currency. */
  discount_amount_off: number | null
  /** When a `repeating` discount stops; null for `forever` (or no discount). */
  discount_ends_at: string | null
  source: 'sync' | 'backfill'
  recorded_at: string
}

export type SubscriptionHistoryRow = Selectable<SubscriptionHistoryTable>

/** Subscriptions that started with a free trial (one trial per customer and per card). */
export interface TrialUseTable {
  id: string
  stripe_subscription_id: string
  customer_id: string
  /** The card's fingerprint (the same card in any customer has the same one), once known. */
  card_fingerprint: string | null
  created_at: string
}

export type TrialUseRow = Selectable<TrialUseTable>
