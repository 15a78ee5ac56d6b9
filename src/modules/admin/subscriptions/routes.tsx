/**
 * Subscriptions: filter by plan and status, one subscription's page, and the owner's changes:
 * cancel at period end or now, resume, change plan (a preview page first, then confirm). Stripe is
 * called outside any transaction; the read-back is applied and audited in one.
 * @module
 */
import { type Context, Hono } from 'hono'
import * as z from 'zod'
import { transactionRetryingDeadlocks } from '../../../db/retry.js'
import type { AppEnv } from '../../../http/env.js'
import { validate } from '../../../http/validate.js'
import { AppError } from '../../../lib/errors.js'
import { formatMoney } from '../../../lib/money.js'
import { renderPage } from '../../../web/layout.js'
import {
  applySubscriptionSnapshot,
  changeSubscription,
  findSubscriptionByStripeId,
  listSubscriptionsPage,
  previewPlanChange,
  SUBSCRIPTION_STATUSES,
  type SubscriptionChange,
  type SubscriptionRow,
} from '../../billing/index.js'
import type { Catalog } from '../../catalog/index.js'
import { adminOf } from '../access.js'
import { recordAudit } from '../audit.js'
import { toCsv } from '../csv.js'
import { ActionForm, AdminFrame, FilterSelect, PAGE_SIZE, Pager, when } from '../views.js'

const ChangeForm = z.object({
  action: z.enum(['cancel', 'cancel-now', 'resume', 'change-plan']),
  price: z.string().trim().max(200).optional(),
  reason: z.string().trim().max(500).optional(),
})

/** The catalog's plans by lookup key, and the one asked for even if the catalog no longer has it. */
function planKeys(catalog: Catalog, asked: string): string[] {
  const keys = catalog.prices.filter((p) => p.recurring).map((p) => p.lookupKey)
  return asked && !keys.includes(asked) ? [...keys, asked] : keys
}

/** The list's filter from the query (`status`, `plan`), as the page and its CSV read it. */
function filterOf(q: Record<string, string>): { status: string; plan: string } {
  return { status: q.status ?? '', plan: q.plan ?? '' }
}

function listFilter(params: { status: string; plan: string }): { status?: string; lookupKey?: string } {
  return {
    ...(params.status ? { status: params.status } : {}),
    ...(params.plan ? { lookupKey: params.plan } : {}),
  }
}

export const subscriptionRoutes = new Hono<AppEnv>()
  .get('/admin/subscriptions', async (c) => {
    const q = c.req.query()
    const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1)
    const params = filterOf(q)
    const subs = await listSubscriptionsPage(c.get('deps').db, listFilter(params), {
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    })
    return renderPage(
      c,
      { title: 'Subscriptions' },
      <AdminFrame title="Subscriptions">
        <form method="get" action="/admin/subscriptions" class="filters">
          <FilterSelect label="Status" name="status" options={SUBSCRIPTION_STATUSES} value={params.status} />
          <FilterSelect
            label="Plan"
            name="plan"
            options={planKeys(c.get('deps').catalog, params.plan)}
            value={params.plan}
          />
          <button type="submit">Filter</button>{' '}
          <a href={`/admin/subscriptions.csv?${new URLSearchParams(params).toString()}`}>CSV</a>
        </form>
        <SubscriptionTable subs={subs} />
        <Pager path="/admin/subscriptions" params={params} page={page} count={subs.length} />
      </AdminFrame>,
    )
  })
  .get('/admin/subscriptions.csv', async (c) => {
    const subs = await listSubscriptionsPage(c.get('deps').db, listFilter(filterOf(c.req.query())), {
      limit: 200_000,
      offset: 0,
    })
    const csv = toCsv(
      [
        'id',
        'customer_id',
        'status',
        'price',
        'current_period_end',
        'cancel_at_period_end',
        'canceled_at',
        'start_date',
      ],
      subs.map((s) => [
        s.stripe_subscription_id,
        s.customer_id,
        s.status,
        s.price_lookup_key ?? '',
        s.current_period_end ?? '',
        s.cancel_at_period_end ? 'yes' : 'no',
        s.canceled_at ?? '',
        s.start_date,
      ]),
    )
    c.header('Content-Disposition', 'attachment; filename="subscriptions.csv"')
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
  })
  .get('/admin/subscriptions/:id', async (c) => {
    const deps = c.get('deps')
    const sub = await getSubscription(c, c.req.param('id'))
    const plans = deps.catalog.prices.filter(
      (p) =>
        p.recurring && (p.family ?? p.productId) === sub.plan_family && p.lookupKey !== sub.price_lookup_key,
    )
    const base = `/admin/subscriptions/${sub.stripe_subscription_id}`
    return renderPage(
      c,
      { title: 'Subscription' },
      <AdminFrame title={`Subscription ${sub.stripe_subscription_id}`} notice={c.req.query('done')}>
        <SubscriptionTable subs={[sub]} />
        <p>
          <a href={`/admin/customers/${sub.customer_id}`}>Customer</a>
        </p>
        <p class="actions">
          <ActionForm action={`${base}/change`} label="Cancel at period end" fields={{ action: 'cancel' }} />{' '}
          <ActionForm action={`${base}/change`} label="Cancel now" fields={{ action: 'cancel-now' }} />{' '}
          <ActionForm action={`${base}/change`} label="Resume" fields={{ action: 'resume' }} />
        </p>
        <form method="get" action={`${base}/preview`} class="filters">
          <label>
            New plan{' '}
            <select name="price">
              {plans.map((p) => (
                <option value={p.lookupKey}>{p.lookupKey}</option>
              ))}
            </select>
          </label>
          <button type="submit">Preview plan change</button>
        </form>
      </AdminFrame>,
    )
  })
  .get('/admin/subscriptions/:id/preview', async (c) => {
    const deps = c.get('deps')
    const sub = await getSubscription(c, c.req.param('id'))
    const price = c.req.query('price') ?? ''
    const preview = await previewPlanChange(deps, sub.stripe_subscription_id, price)
    return renderPage(
      c,
      { title: 'Change plan' },
      <AdminFrame title="Change plan">
        <p>
          From <strong>{sub.price_lookup_key}</strong> to <strong>{price}</strong>, prorated.
        </p>
        <p data-preview={preview ? String(preview.amountDue) : 'none'}>
          {preview
            ? `Stripe's preview: ${formatMoney(preview.amountDue, preview.currency)} due now (${preview.prorationLines} proration lines).`
            : 'Stripe offers no preview here; the proration appears on the next invoice.'}
        </p>
        <ActionForm
          action={`/admin/subscriptions/${sub.stripe_subscription_id}/change`}
          label="Confirm plan change"
          fields={{ action: 'change-plan', price }}
        />
      </AdminFrame>,
    )
  })
  .post('/admin/subscriptions/:id/change', validate('form', ChangeForm), async (c) => {
    const deps = c.get('deps')
    const form = c.req.valid('form')
    const sub = await getSubscription(c, c.req.param('id'))
    const change = changeOf(form)
    const { before, snapshot } = await changeSubscription(deps, sub.stripe_subscription_id, change)
    await transactionRetryingDeadlocks(deps.db, async (trx) => {
      const { current } = await applySubscriptionSnapshot(deps, trx, snapshot)
      await recordAudit(trx, deps.clock.now(), {
        actor: adminOf(c).email,
        action: `subscription.${form.action}`,
        target: { type: 'subscription', id: sub.stripe_subscription_id },
        customerId: sub.customer_id,
        before: stateOf(before),
        after: stateOf(current),
        reason: form.reason ?? null,
      })
    })
    return c.redirect(`/admin/subscriptions/${sub.stripe_subscription_id}?done=Done`, 303)
  })

function changeOf(form: z.infer<typeof ChangeForm>): SubscriptionChange {
  if (form.action === 'cancel') return { kind: 'cancel', when: 'period_end' }
  if (form.action === 'cancel-now') return { kind: 'cancel', when: 'now' }
  if (form.action === 'resume') return { kind: 'resume' }
  if (!form.price) throw new AppError('INVALID_REQUEST', { message: 'Choose the new plan.' })
  return { kind: 'change-plan', lookupKey: form.price }
}

function stateOf(row: SubscriptionRow): Record<string, unknown> {
  return {
    status: row.status,
    price: row.price_lookup_key,
    cancel_at_period_end: row.cancel_at_period_end === 1,
  }
}

async function getSubscription(c: Context<AppEnv>, id: string): Promise<SubscriptionRow> {
  const sub = await findSubscriptionByStripeId(c.get('deps').db, id)
  if (!sub) throw new AppError('SUBSCRIPTION_NOT_FOUND')
  return sub
}

function SubscriptionTable({ subs }: { subs: SubscriptionRow[] }) {
  return (
    <table tabindex={0} id="subscriptions">
      <thead>
        <tr>
          <th>Subscription</th>
          <th>Plan</th>
          <th>Status</th>
          <th>Period ends</th>
        </tr>
      </thead>
      <tbody>
        {subs.map((s) => (
          <tr data-subscription={s.stripe_subscription_id}>
            <td>
              <a href={`/admin/subscriptions/${s.stripe_subscription_id}`}>{s.stripe_subscription_id}</a>
            </td>
            <td data-plan={s.price_lookup_key ?? ''}>{s.price_lookup_key ?? ''}</td>
            <td data-status={s.status}>
              {s.status}
              {s.cancel_at_period_end ? ' (cancels at period end)' : ''}
            </td>
            <td>{when(s.current_period_end)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
