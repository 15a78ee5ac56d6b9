/**
 * What a buyer may read of their own orders: the list on the account page and one order's
 * receipt. Another customer's order is not found, so an order id reveals nothing.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { findProduct } from '../catalog/index.js'
import { type BillingAddress, toOrder } from './read.js'
import { findOrderById, listOrdersOfCustomer } from './repo.js'
import type { OrderRow, OrderStatus } from './table.js'

/** One line of the account page's order list (the billing module renders it). */
export type OrderSummary = {
  id: string
  productName: string
  amount: number
  amountRefunded: number
  currency: string
  status: OrderStatus
  /** The status as the buyer reads it. */
  statusWords: string
  createdAt: string
  receiptPath: string
}

export type OrderReceipt = OrderSummary & {
  quantity: number
  billingAddress: BillingAddress | null
  refundedAt: string | null
}

const STATUS_WORDS: Record<OrderStatus, string> = {
  paid: 'Paid',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
  disputed: 'Disputed with your bank',
}

export function receiptPath(orderId: string): string {
  return `/account/orders/${orderId}`
}

function productNameOf(deps: Deps, row: OrderRow): string {
  return findProduct(deps.catalog, row.product_id)?.name ?? row.product_name ?? row.product_id
}

function toSummary(deps: Deps, row: OrderRow): OrderSummary {
  return {
    id: row.id,
    productName: productNameOf(deps, row),
    amount: row.amount,
    amountRefunded: row.amount_refunded,
    currency: row.currency,
    status: row.status,
    statusWords: STATUS_WORDS[row.status] ?? row.status,
    createdAt: row.created_at,
    receiptPath: receiptPath(row.id),
  }
}

export async function listOrderSummaries(deps: Deps, customerId: string): Promise<OrderSummary[]> {
  return (await listOrdersOfCustomer(deps.db, customerId)).map((row) => toSummary(deps, row))
}

/** The receipt of `orderId` when it belongs to `customerId`; undefined otherwise. */
export async function findOrderReceipt(
  deps: Deps,
  db: Executor,
  input: { customerId: string; orderId: string },
): Promise<OrderReceipt | undefined> {
  const row = await findOrderById(db, input.orderId)
  if (!row || row.customer_id !== input.customerId) return undefined
  const order = toOrder(row)
  return {
    ...toSummary(deps, row),
    quantity: order.quantity,
    billingAddress: order.billingAddress,
    refundedAt: order.refundedAt,
  }
}
