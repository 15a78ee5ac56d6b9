/**
 * Asking Stripe for a refund (the owner console, `tollgate refund`). Checked here first, so bad
 * input sends nothing: the order must exist, have a payment and have something left; the amount
 * is a positive integer no larger than what remains. The order itself changes only when Stripe's
 * refund event arrives (refund.ts). The idempotency key makes a double submit refund once: the
 * console's form carries a token made when the page was rendered (`submission`), so resubmitting
 * that form is the same request to Stripe however soon the first refund's event landed, while a
 * fresh page asks for a new refund. Without a token (the CLI) the key is the order's refunded
 * amount plus the amount asked.
 * @module
 */
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import { formatMoney } from '../../lib/money.js'
import { findOrderById } from './repo.js'
import type { OrderRow } from './table.js'

export type RefundRequest = {
  orderId: string
  amount?: number | undefined
  reason?: string | undefined
  /** The refund form's token, one per rendered page (see the module comment). */
  submission?: string | undefined
}
export type RefundRequested = { order: OrderRow; refundId: string; amount: number; status: string }

/** Checks a refund without calling Stripe; returns the order and the amount to refund. */
export async function checkRefund(
  deps: Deps,
  input: RefundRequest,
): Promise<{ order: OrderRow; amount: number }> {
  const order = await findOrderById(deps.db, input.orderId)
  if (!order) throw new AppError('ORDER_NOT_FOUND')
  const remaining = order.amount - order.amount_refunded
  if (!order.stripe_payment_intent_id || remaining <= 0) throw new AppError('ORDER_NOT_REFUNDABLE')
  const amount = input.amount ?? remaining
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new AppError('INVALID_REQUEST', {
      message: 'The amount must be a positive whole number of minor units.',
    })
  }
  if (amount > remaining) {
    const left = formatMoney(remaining, order.currency)
    throw new AppError('REFUND_EXCEEDS_REMAINING', {
      message: `At most ${left} (${remaining}) remains to be refunded.`,
    })
  }
  return { order, amount }
}

export async function requestRefund(deps: Deps, input: RefundRequest): Promise<RefundRequested> {
  const { order, amount } = await checkRefund(deps, input)
  const refund = await deps.stripe.refunds.create(
    {
      payment_intent: order.stripe_payment_intent_id as string,
      amount,
      reason: 'requested_by_customer',
      metadata: {
        tollgate_order_id: order.id,
        ...(input.reason ? { tollgate_reason: input.reason.slice(0, 500) } : {}),
      },
    },
    {
      idempotencyKey: input.submission
        ? `tollgate-refund-${order.id}-form-${input.submission}`
        : `tollgate-refund-${order.id}-${order.amount_refunded}-${amount}`,
    },
  )
  return { order, refundId: refund.id, amount, status: refund.status ?? 'pending' }
}
