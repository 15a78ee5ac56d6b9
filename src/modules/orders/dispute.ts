/**
 * Disputes on one-time orders. Policy, decided from the re-fetched dispute (never from which event
 * arrived, so any delivery order converges):
 * - a chargeback that is open or lost revokes the order's access and marks it `disputed`: the buyer
 *   told their bank they did not get (or did not make) the purchase, and the money is gone;
 * - a chargeback won gives the access back with its original window, and the order its status;
 * - an inquiry (`warning_*`: no money withdrawn yet) changes nothing but is recorded;
 * - a fully refunded order stays refunded whatever the dispute does.
 * The owner (ADMIN_EMAILS) is emailed the first time a dispute is seen, with its deadline.
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
import { restoreOrderAccess } from './fulfil.js'
import { DISPUTE_OPENED_TEMPLATE, type DisputeOpenedMail } from './mail.js'
import { findOrderPaidBy, setOrderStatus, upsertOrderDispute } from './repo.js'
import type { OrderRow } from './table.js'

export type DisputeResult = {
  status: 'revoked' | 'restored' | 'recorded' | 'unknown-order'
  order?: OrderRow
}

const CHARGEBACK_HOLDS = new Set([
  'needs_response',
  'under_review',
  'lost',
  'appeal_needs_response',
  'appeal_under_review',
])

export function isInquiry(dispute: Stripe.Dispute): boolean {
  return dispute.status.startsWith('warning_')
}

export async function applyDispute(
  deps: Deps,
  trx: Executor,
  dispute: Stripe.Dispute,
): Promise<DisputeResult> {
  const order = await findOrderPaidBy(trx, dispute.payment_intent)
  if (!order) return { status: 'unknown-order' }
  const now = deps.clock.now()
  const dueBy = dispute.evidence_details.due_by
  const firstSeen = await upsertOrderDispute(trx, {
    stripe_dispute_id: dispute.id,
    order_id: order.id,
    status: dispute.status,
    reason: dispute.reason,
    amount: dispute.amount,
    currency: dispute.currency,
    evidence_due_by: dueBy ? new Date(dueBy * 1000).toISOString() : null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  })
  if (firstSeen) await tellOwner(deps, trx, order, dispute)
  if (order.status === 'refunded' || isInquiry(dispute)) return { status: 'recorded', order }
  if (CHARGEBACK_HOLDS.has(dispute.status)) {
    if (order.status !== 'disputed') await setOrderStatus(trx, order.id, 'disputed')
    await revokeGrantsBySource(trx, { type: 'order', id: order.id }, { now, reason: 'disputed' })
    await syncLicenses(deps, trx, {
      customerId: order.customer_id,
      source: { type: 'order', id: order.id },
      now,
    })
    return { status: 'revoked', order }
  }
  if (dispute.status === 'won' && order.status === 'disputed') {
    // `closed` and `funds_reinstated` may be handled at once: only the one that moves the status
    // restores the grants.
    const status = order.amount_refunded > 0 ? 'partially_refunded' : 'paid'
    if (await setOrderStatus(trx, order.id, status, 'disputed')) await restoreOrderAccess(deps, trx, order)
    return { status: 'restored', order }
  }
  return { status: 'recorded', order }
}

async function tellOwner(deps: Deps, trx: Executor, order: OrderRow, dispute: Stripe.Dispute): Promise<void> {
  const customer = await findCustomer(trx, order.customer_id)
  const dueBy = dispute.evidence_details.due_by
  const data: DisputeOpenedMail = {
    orderId: order.id,
    productName: findProduct(deps.catalog, order.product_id)?.name ?? order.product_name ?? order.product_id,
    customerEmail: customer?.email ?? order.customer_id,
    amount: formatMoney(dispute.amount, dispute.currency),
    reason: dispute.reason,
    inquiry: isInquiry(dispute),
    dueBy: dueBy ? new Date(dueBy * 1000).toISOString().slice(0, 10) : null,
    disputeId: dispute.id,
  }
  await alertOwner(trx, deps, {
    kind: 'dispute',
    template: DISPUTE_OPENED_TEMPLATE,
    data,
    key: `dispute:${dispute.id}`,
  })
}
