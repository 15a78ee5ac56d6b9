/**
 * Orders as other modules see them (the integrator API's `GET /api/v1/orders/{id}`): camelCase,
 * JSON columns parsed, the sealed access token never included.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { ADHOC_PRICE } from '../checkout/index.js'
import { findOrderById } from './repo.js'
import type { OrderRow, OrderStatus } from './table.js'

export type BillingAddress = {
  line1: string | null
  line2: string | null
  city: string | null
  postal_code: string | null
  state: string | null
  country: string | null
}

export type Order = {
  id: string
  customerId: string
  status: OrderStatus
  /** Catalog product and price; null for an ad-hoc line. */
  productId: string | null
  priceLookupKey: string | null
  productName: string | null
  quantity: number
  amount: number
  amountRefunded: number
  currency: string
  billingAddress: BillingAddress | null
  metadata: Record<string, string>
  stripeCheckoutSessionId: string
  createdAt: string
  refundedAt: string | null
}

export async function findOrder(db: Executor, id: string): Promise<Order | undefined> {
  const row = await findOrderById(db, id)
  return row ? toOrder(row) : undefined
}

export function toOrder(row: OrderRow): Order {
  const adhoc = row.price_lookup_key === ADHOC_PRICE
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    productId: adhoc ? null : row.product_id,
    priceLookupKey: adhoc ? null : row.price_lookup_key,
    productName: row.product_name,
    quantity: row.quantity,
    amount: row.amount,
    amountRefunded: row.amount_refunded,
    currency: row.currency,
    billingAddress: row.billing_address ? (JSON.parse(row.billing_address) as BillingAddress) : null,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : {},
    stripeCheckoutSessionId: row.stripe_checkout_session_id,
    createdAt: row.created_at,
    refundedAt: row.refunded_at,
  }
}

/**
 * An order as other apps see it, in one shape for both doors: the `/api/v1` answer and the `data`
 * of the events sent to them (`order.paid`, `order.refunded`).
 */
export function orderObject(o: Order) {
  return {
    id: o.id,
    object: 'order' as const,
    customer_id: o.customerId,
    status: o.status,
    product_id: o.productId,
    price: o.priceLookupKey,
    product_name: o.productName,
    quantity: o.quantity,
    amount: o.amount,
    amount_refunded: o.amountRefunded,
    currency: o.currency,
    billing_address: o.billingAddress,
    metadata: o.metadata,
    checkout_session_id: o.stripeCheckoutSessionId,
    created_at: o.createdAt,
    refunded_at: o.refundedAt,
  }
}

/** The `data` of order events sent to other apps. */
export function orderEventData(row: OrderRow): Record<string, unknown> {
  return orderObject(toOrder(row))
}
