/**
 * A customer's own discount (`customer.discount`): set with the legacy `coupon` /
 * `promotion_code` parameters that older clients and the Stripe CLI's `customer.discount.*`
 * fixtures still send on customer create/update (`coupon=''` removes it), and removed with
 * `DELETE /v1/customers/:id/discount`. It discounts the customer's subscription invoices when the
 * subscription has no discount of its own; one-off invoices for such a customer are refused
 * (billing/manual-invoices.ts), since customer-level discounts on them are not modelled.
 *
 * Events: `customer.discount.created`, `.updated` (switched to another coupon), `.deleted`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { allowOnly, type Params } from '../params.js'
import { route } from '../registry.js'
import { deleteObject, getObject, hiddenOf, insertObject } from '../state.js'
import { resolveDiscount } from './subscription-discounts.js'

type DiscountHidden = { invoices?: number }

/** The coupon a customer's discount currently takes off an invoice, if any (usage counted by billing). */
export function customerCoupon(ctx: Ctx, customerId: string): Stripe.Coupon | undefined {
  const customer = ctx.state.objects[customerId] as Stripe.Customer | undefined
  const discount = customer?.discount
  if (!discount) return undefined
  const coupon = ctx.state.objects[String(discount.source.coupon)] as Stripe.Coupon | undefined
  if (!coupon) return undefined
  const used = hiddenOf<DiscountHidden>(ctx.state, discount.id).invoices ?? 0
  if (coupon.duration === 'once' && used >= 1) return undefined
  if (coupon.duration === 'repeating' && used >= (coupon.duration_in_months ?? 0)) return undefined
  return coupon
}

/** Counts one discounted invoice against the customer's discount (for `once` and `repeating`). */
export function useCustomerDiscount(ctx: Ctx, customerId: string): void {
  const discount = (ctx.state.objects[customerId] as Stripe.Customer | undefined)?.discount
  if (!discount) return
  const hidden = hiddenOf<DiscountHidden>(ctx.state, discount.id)
  hidden.invoices = (hidden.invoices ?? 0) + 1
}

/**
 * Reads `coupon` / `promotion_code` for a customer (validated before anything changes) and answers
 * how to apply them once the customer is stored: set, switch or remove its discount. Applying
 * answers the function that emits the discount's event, so a new customer's `customer.created`
 * can go first. `undefined` when neither parameter was sent.
 */
export function customerDiscountChange(
  ctx: Ctx,
  params: Params,
): ((customer: Stripe.Customer, now: number) => () => void) | undefined {
  if (params.coupon === undefined && params.promotion_code === undefined) return undefined
  const removing = params.coupon === '' && params.promotion_code === undefined
  const resolved = removing ? undefined : resolveDiscount(ctx, params)
  return (customer, now) => {
    const old = customer.discount
    if (removing || !resolved?.coupon) {
      if (!old) return () => {}
      removeDiscount(ctx, customer)
      return () => ctx.emit('customer.discount.deleted', old)
    }
    const discount = {
      id: newId('di', 24),
      object: 'discount',
      checkout_session: null,
      customer: customer.id,
      customer_account: null,
      end: endOf(resolved.coupon, now),
      invoice: null,
      invoice_item: null,
      promotion_code: resolved.promotionCode,
      source: { type: 'coupon', coupon: resolved.coupon.id },
      start: now,
      subscription: null,
      subscription_item: null,
    } as unknown as Stripe.Discount
    insertObject(ctx.state, discount)
    if (old) deleteObject(ctx.state, old.id)
    customer.discount = discount
    return () =>
      old
        ? ctx.emit('customer.discount.updated', discount, { source: old.source, start: old.start })
        : ctx.emit('customer.discount.created', discount)
  }
}

function endOf(coupon: Stripe.Coupon, start: number): number | null {
  if (coupon.duration !== 'repeating' || !coupon.duration_in_months) return null
  const d = new Date(start * 1000)
  d.setUTCMonth(d.getUTCMonth() + coupon.duration_in_months)
  return Math.floor(d.getTime() / 1000)
}

function removeDiscount(ctx: Ctx, customer: Stripe.Customer): Stripe.Discount {
  const old = customer.discount!
  deleteObject(ctx.state, old.id)
  customer.discount = null
  return old
}

route('delete', '/v1/customers/:id/discount', (ctx, params, path) => {
  allowOnly(params, [])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  if (!customer.discount)
    throw invalidRequest(`No active discount for customer: '${customer.id}'`, 'resource_missing')
  const old = removeDiscount(ctx, customer)
  ctx.emit('customer.discount.deleted', old)
  ctx.emit('customer.updated', customer, { discount: old })
  const { end: _end, ...rest } = old as Stripe.Discount & { end?: unknown }
  return { ...rest, deleted: true }
})
