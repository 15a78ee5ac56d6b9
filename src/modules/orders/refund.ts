/**
 * Refunds. Policy: a full refund (the charge is `refunded`) revokes every grant of the order and
 * marks it refunded; a partial refund records the amount and keeps access, because a partial
 * refund is usually a goodwill discount, not a return. Revoke by hand for anything else.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { revokeGrantsBySource } from '../entitlements/grants.js'
import { findOrderByPaymentIntent, updateOrderRefund } from './repo.js'
import type { OrderRow } from './table.js'

export type RefundResult = { status: 'revoked' | 'partial' | 'unchanged' | 'unknown-order'; order?: OrderRow }

export async function applyChargeRefund(
  deps: Deps,
  trx: Executor,
  charge: Stripe.Charge,
): Promise<RefundResult> {
  const paymentIntentId =
    typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id
  const order = paymentIntentId ? await findOrderByPaymentIntent(trx, paymentIntentId) : undefined
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
  if (charge.amount_refunded > 0 && charge.amount_refunded !== order.amount_refunded) {
    await updateOrderRefund(trx, order.id, {
      status: 'partially_refunded',
      amountRefunded: charge.amount_refunded,
      refundedAt: null,
    })
    return { status: 'partial', order }
  }
  return { status: 'unchanged', order }
}
