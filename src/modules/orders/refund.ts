/**
 * Refunds. Policy: a full refund (the charge is `refunded`) revokes every grant of the order and
 * marks it refunded; a partial refund records the amount and keeps access, because a partial
 * refund is usually a goodwill discount, not a return. Revoke by hand for anything else. A refund
 * that later fails (the card refused it) leaves the money with the store: the order's refunded
 * amount goes back down, access revoked by it comes back, and the owner is told. The buyer is
 * told of each refund once, with what it does to their access.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { formatMoney } from '../../lib/money.js'
import { alertOwner } from '../alerts/index.js'
import { findProduct } from '../catalog/index.js'
import { findCustomer } from '../customers/index.js'
import { revokeGrantsBySource } from '../entitlements/index.js'
import { syncLicenses } from '../licenses/index.js'
import { enqueueMail } from '../mail/index.js'
import { publishEvent } from '../outbound-webhooks/index.js'
import { restoreOrderAccess } from './fulfil.js'
import {
  REFUND_FAILED_TEMPLATE,
  REFUND_ISSUED_TEMPLATE,
  type RefundFailedMail,
  type RefundIssuedMail,
} from './mail.js'
import { orderEventData } from './read.js'
import { receiptPath } from './receipts.js'
import { findOrderById, findOrderPaidBy, updateOrderRefund } from './repo.js'
import type { OrderRow } from './table.js'

export type RefundResult = {
  status: 'revoked' | 'partial' | 'restored' | 'unchanged' | 'unknown-order'
  order?: OrderRow
}

export async function applyChargeRefund(
  deps: Deps,
  trx: Executor,
  charge: Stripe.Charge,
): Promise<RefundResult> {
  const order = await findOrderPaidBy(trx, charge.payment_intent)
  if (!order) return { status: 'unknown-order' }
  const now = deps.clock.now()
  if (charge.refunded) {
    const full = {
      status: 'refunded',
      amountRefunded: charge.amount_refunded,
      refundedAt: now.toISOString(),
    } as const
    // Compare-and-set on the amount: of handlers running at once, only the one that moves it tells
    // the buyer and other apps; a concurrent one just agrees.
    const moved =
      order.status !== 'refunded' &&
      (await updateOrderRefund(trx, order.id, { ...full, fromAmount: order.amount_refunded }))
    if (moved) {
      const amount = charge.amount_refunded - order.amount_refunded
      await tellBuyerRefunded(deps, trx, order, { amount, full: true })
    } else if (order.status !== 'refunded') {
      await updateOrderRefund(trx, order.id, full)
    }
    await revokeGrantsBySource(trx, { type: 'order', id: order.id }, { now, reason: 'refunded' })
    await syncLicenses(deps, trx, {
      customerId: order.customer_id,
      source: { type: 'order', id: order.id },
      now,
    })
    if (moved) await publishRefund(trx, order.id, now)
    return { status: 'revoked', order }
  }
  if (charge.amount_refunded < order.amount_refunded) {
    // Several events report one failed refund, possibly at once: only the handler that moves the
    // amount restores access and writes to the owner.
    const moved = await updateOrderRefund(trx, order.id, {
      status: charge.amount_refunded > 0 ? 'partially_refunded' : 'paid',
      amountRefunded: charge.amount_refunded,
      // refunded_at dates the latest refund for the owner's figures (admin metrics).
      refundedAt: charge.amount_refunded > 0 ? now.toISOString() : null,
      fromAmount: order.amount_refunded,
    })
    if (!moved) return { status: 'unchanged', order }
    if (order.status === 'refunded') await restoreOrderAccess(deps, trx, order)
    await tellOwnerRefundFailed(deps, trx, order, order.amount_refunded - charge.amount_refunded)
    return { status: 'restored', order }
  }
  if (charge.amount_refunded > 0 && charge.amount_refunded !== order.amount_refunded) {
    const moved = await updateOrderRefund(trx, order.id, {
      status: 'partially_refunded',
      amountRefunded: charge.amount_refunded,
      refundedAt: now.toISOString(),
      fromAmount: order.amount_refunded,
    })
    if (moved) {
      const amount = charge.amount_refunded - order.amount_refunded
      await tellBuyerRefunded(deps, trx, order, { amount, full: false })
      await publishRefund(trx, order.id, now)
    }
    return { status: 'partial', order }
  }
  return { status: 'unchanged', order }
}

async function tellBuyerRefunded(
  deps: Deps,
  trx: Executor,
  order: OrderRow,
  refund: { amount: number; full: boolean },
): Promise<void> {
  const buyer = await findCustomer(trx, order.customer_id)
  if (!buyer) return
  const data: RefundIssuedMail = {
    productName: productNameOf(deps, order),
    amount: formatMoney(refund.amount, order.currency),
    orderAmount: formatMoney(order.amount, order.currency),
    full: refund.full,
    receiptUrl: `${deps.config.publicUrl}${receiptPath(order.id)}`,
    storeUrl: `${deps.config.publicUrl}/`,
  }
  await enqueueMail(trx, { to: buyer.email, template: REFUND_ISSUED_TEMPLATE, data }, deps)
}

function productNameOf(deps: Deps, order: OrderRow): string {
  return findProduct(deps.catalog, order.product_id)?.name ?? order.product_name ?? order.product_id
}

/** `order.refunded` to other apps, full or partial (`status` and `amount_refunded` say which). */
async function publishRefund(trx: Executor, orderId: string, now: Date): Promise<void> {
  const order = await findOrderById(trx, orderId)
  if (order) await publishEvent(trx, { type: 'order.refunded', data: orderEventData(order), now })
}

async function tellOwnerRefundFailed(
  deps: Deps,
  trx: Executor,
  order: OrderRow,
  amount: number,
): Promise<void> {
  const data: RefundFailedMail = {
    orderId: order.id,
    productName: productNameOf(deps, order),
    amount: formatMoney(amount, order.currency),
  }
  await alertOwner(trx, deps, { kind: 'refund_failed', template: REFUND_FAILED_TEMPLATE, data })
}
