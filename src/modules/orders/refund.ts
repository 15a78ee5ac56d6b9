/**
 * Refunds. Policy: a full refund (the charge is `refunded`) revokes every grant of the order and
 * marks it refunded; a partial refund records the amount and keeps access, because a partial
 * refund is usually a goodwill discount, not a return. Revoke by hand for anything else. A refund
 * that later fails (the card refused it) leaves the money with the store: the order's refunded
 * amount goes back down, access revoked by it comes back, and the owner is told.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { formatMoney } from '../../lib/money.js'
import { findProduct } from '../catalog/index.js'
import { revokeGrantsBySource } from '../entitlements/index.js'
import { alertOwner } from '../alerts/index.js'
import { restoreOrderAccess } from './fulfil.js'
import { REFUND_FAILED_TEMPLATE, type RefundFailedMail } from './mail.js'
import { findOrderPaidBy, updateOrderRefund } from './repo.js'
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
    if (order.status !== 'refunded') {
      await updateOrderRefund(trx, order.id, {
        status: 'refunded',
        amountRefunded: charge.amount_refunded,
        refundedAt: now.toISOString(),
      })
    }
    await revokeGrantsBySource(trx, { type: 'order', id: order.id }, { now, reason: 'refunded' })
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
    await updateOrderRefund(trx, order.id, {
      status: 'partially_refunded',
      amountRefunded: charge.amount_refunded,
      refundedAt: now.toISOString(),
    })
    return { status: 'partial', order }
  }
  return { status: 'unchanged', order }
}

async function tellOwnerRefundFailed(
  deps: Deps,
  trx: Executor,
  order: OrderRow,
  amount: number,
): Promise<void> {
  const data: RefundFailedMail = {
    orderId: order.id,
    productName: findProduct(deps.catalog, order.product_id)?.name ?? order.product_name ?? order.product_id,
    amount: formatMoney(amount, order.currency),
  }
  await alertOwner(trx, deps, { kind: 'refund_failed', template: REFUND_FAILED_TEMPLATE, data })
}
