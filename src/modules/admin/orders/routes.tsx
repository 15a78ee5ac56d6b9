/**
 * Orders: filter by product, status and date (and CSV), one order's page, and a refund in full or
 * in part with a reason. The refund is asked of Stripe; the order changes when the refund event
 * arrives, so the page says "requested" until then.
 * @module
 */
import { Hono } from 'hono'
import * as z from 'zod'
import type { AppEnv } from '../../../http/env.js'
import { validate } from '../../../http/validate.js'
import { AppError } from '../../../lib/errors.js'
import { newId } from '../../../lib/ids.js'
import { formatMoney } from '../../../lib/money.js'
import { renderPage } from '../../../web/layout.js'
import { findOrderById, listOrdersPage, type OrderFilter, requestRefund } from '../../orders/index.js'
import { adminOf } from '../access.js'
import { recordAudit } from '../audit.js'
import { toCsv } from '../csv.js'
import { moneyOrRefuse } from '../money-input.js'
import { AdminFrame, FilterSelect, PAGE_SIZE, Pager } from '../views.js'
import { OrderTable } from './views.js'

const RefundForm = z.object({
  /** Empty = everything that remains; otherwise a decimal amount in the order's currency ("4.50"). */
  amount: z.string().trim().max(30).optional(),
  reason: z.string().trim().min(1, 'say why').max(500),
  /** Made when the form was rendered: resubmitting the same form refunds once (refund-request.ts). */
  submission: z
    .string()
    .regex(/^rfq_[0-9a-z]{26}$/, 'not a refund form token')
    .optional(),
})

const DATE = /^\d{4}-\d{2}-\d{2}$/

function filterOf(q: Record<string, string>): OrderFilter {
  return {
    ...(q.status ? { status: q.status } : {}),
    ...(q.product ? { productId: q.product } : {}),
    ...(q.from && DATE.test(q.from) ? { fromIso: `${q.from}T00:00:00.000Z` } : {}),
    ...(q.to && DATE.test(q.to) ? { toIso: `${q.to}T23:59:59.999Z` } : {}),
  }
}

export const orderRoutes = new Hono<AppEnv>()
  .get('/admin/orders', async (c) => {
    const q = c.req.query()
    const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1)
    const orders = await listOrdersPage(c.get('deps').db, filterOf(q), {
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    })
    const params = { status: q.status ?? '', product: q.product ?? '', from: q.from ?? '', to: q.to ?? '' }
    return renderPage(
      c,
      { title: 'Orders' },
      <AdminFrame title="Orders">
        <form method="get" action="/admin/orders" class="filters">
          <FilterSelect
            label="Status"
            name="status"
            options={['paid', 'partially_refunded', 'refunded', 'disputed']}
            value={params.status}
          />
          <label>
            Product <input name="product" list="catalog-products" value={params.product} />
          </label>
          {/* Suggestions, not a closed list: an integrator's ad-hoc orders carry ids of their own. */}
          <datalist id="catalog-products">
            {c.get('deps').catalog.products.map((p) => (
              <option value={p.id}>{p.name}</option>
            ))}
          </datalist>
          <label>
            From <input type="date" name="from" value={params.from} />
          </label>
          <label>
            To <input type="date" name="to" value={params.to} />
          </label>
          <button type="submit">Filter</button>{' '}
          <a href={`/admin/orders.csv?${new URLSearchParams(params).toString()}`}>CSV</a>
        </form>
        <OrderTable orders={orders} />
        <Pager path="/admin/orders" params={params} page={page} count={orders.length} />
      </AdminFrame>,
    )
  })
  .get('/admin/orders.csv', async (c) => {
    const orders = await listOrdersPage(c.get('deps').db, filterOf(c.req.query()), {
      limit: 200_000,
      offset: 0,
    })
    const csv = toCsv(
      [
        'id',
        'customer_id',
        'product_id',
        'price',
        'currency',
        'amount',
        'amount_refunded',
        'status',
        'created_at',
      ],
      orders.map((o) => [
        o.id,
        o.customer_id,
        o.product_id,
        o.price_lookup_key,
        o.currency,
        o.amount,
        o.amount_refunded,
        o.status,
        o.created_at,
      ]),
    )
    c.header('Content-Disposition', 'attachment; filename="orders.csv"')
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
  })
  .get('/admin/orders/:id', async (c) => {
    const order = await findOrderById(c.get('deps').db, c.req.param('id'))
    if (!order) throw new AppError('ORDER_NOT_FOUND')
    const remaining = order.amount - order.amount_refunded
    return renderPage(
      c,
      { title: `Order ${order.id}` },
      <AdminFrame title={`Order ${order.id}`} notice={c.req.query('done')}>
        <OrderTable orders={[order]} />
        <p>
          <a href={`/admin/customers/${order.customer_id}`}>Customer</a> · Payment{' '}
          {order.stripe_payment_intent_id ?? '—'}
        </p>
        {remaining > 0 ? (
          <form method="post" action={`/admin/orders/${order.id}/refund`} class="filters">
            <label>
              Amount ({order.currency.toUpperCase()}, empty = all {formatMoney(remaining, order.currency)}){' '}
              <input name="amount" inputmode="decimal" />
            </label>
            <label>
              Reason <input name="reason" required maxlength={500} />
            </label>
            <input
              type="hidden"
              name="submission"
              value={newId('rfq', c.get('deps').clock.now().getTime())}
            />
            <button type="submit">Refund</button>
          </form>
        ) : (
          <p>Nothing left to refund.</p>
        )}
      </AdminFrame>,
    )
  })
  .post('/admin/orders/:id/refund', validate('form', RefundForm), async (c) => {
    const deps = c.get('deps')
    const form = c.req.valid('form')
    const order = await findOrderById(deps.db, c.req.param('id'))
    if (!order) throw new AppError('ORDER_NOT_FOUND')
    const amount = form.amount ? moneyOrRefuse(form.amount, order.currency) : undefined
    const done = await requestRefund(deps, {
      orderId: order.id,
      amount,
      reason: form.reason,
      submission: form.submission,
    })
    await recordAudit(deps.db, deps.clock.now(), {
      actor: adminOf(c).email,
      action: 'order.refund',
      target: { type: 'order', id: order.id },
      customerId: order.customer_id,
      before: { status: order.status, amount_refunded: order.amount_refunded },
      after: { refund: done.refundId, amount: done.amount, refund_status: done.status },
      reason: form.reason,
    })
    return c.redirect(
      `/admin/orders/${order.id}?done=${encodeURIComponent(`Refund of ${formatMoney(done.amount, order.currency)} requested`)}`,
      303,
    )
  })
