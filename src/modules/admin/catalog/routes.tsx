/**
 * `/admin/catalog`: the catalog as this process loaded it (features, products, prices, files) and
 * the drift between it and Stripe, planned by the same `syncCatalog(…, { dryRun: true })` that
 * `tollgate sync --dry-run` prints, so the page and the command can never disagree. The plan only
 * reads Stripe; fixing the drift stays a deliberate `tollgate sync`.
 * @module
 */
import { Hono } from 'hono'
import type { AppEnv } from '../../../http/env.js'
import { formatMoney } from '../../../lib/money.js'
import { renderPage } from '../../../web/layout.js'
import { type Catalog, type CatalogPrice, type SyncPlan, syncCatalog } from '../../catalog/index.js'
import { toCsv } from '../csv.js'
import { AdminFrame } from '../views.js'

export const catalogRoutes = new Hono<AppEnv>()
  .get('/admin/catalog', async (c) => {
    const deps = c.get('deps')
    let plan: SyncPlan | undefined
    let planError: string | undefined
    try {
      plan = await syncCatalog(deps, { dryRun: true })
    } catch (err) {
      // Stripe unreachable or refusing: the loaded catalog is still worth showing.
      deps.log.warn({ err: (err as Error).message }, 'catalog drift could not be planned')
      planError = (err as Error).message
    }
    return renderPage(
      c,
      { title: 'Catalog' },
      <AdminFrame title="Catalog">
        <p>
          Loaded from <code>{deps.catalog.source}</code>. <a href="/admin/catalog.csv">CSV</a>
        </p>
        <Drift plan={plan} error={planError} />
        <CatalogTables catalog={deps.catalog} />
      </AdminFrame>,
    )
  })
  /** One row per price, with its product's access, features and files (what the page's table shows). */
  .get('/admin/catalog.csv', (c) => {
    const { catalog } = c.get('deps')
    const csv = toCsv(
      [
        'product',
        'product_name',
        'access_days',
        'features',
        'files',
        'price',
        'currency',
        'unit_amount',
        'interval',
        'interval_count',
        'trial_days',
        'family',
      ],
      catalog.products.flatMap((p) =>
        p.prices.map((price) => [
          p.id,
          p.name,
          p.access === 'forever' ? 'forever' : p.access.days,
          p.features.join(' '),
          p.files.map((f) => f.id).join(' '),
          price.lookupKey,
          price.currency,
          price.unitAmount,
          price.recurring?.interval ?? '',
          price.recurring?.intervalCount ?? '',
          price.trialDays ?? '',
          price.family ?? '',
        ]),
      ),
    )
    c.header('Content-Disposition', 'attachment; filename="catalog.csv"')
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
  })

function Drift({ plan, error }: { plan: SyncPlan | undefined; error: string | undefined }) {
  if (!plan) {
    return (
      <section id="drift" data-drift="unknown">
        <h2>Drift from Stripe</h2>
        <p class="notice">Stripe could not be asked: {error ?? 'unknown error'}</p>
      </section>
    )
  }
  const changes = plan.actions.filter((a) => a.kind !== 'unchanged')
  return (
    <section id="drift" data-drift={plan.changes}>
      <h2>Drift from Stripe</h2>
      {plan.changes === 0 ? (
        <p>Stripe matches the catalog.</p>
      ) : (
        <p>
          {plan.changes} change(s) that <code>npx tollgate sync</code> would make (shown by{' '}
          <code>npx tollgate sync --dry-run</code>):
        </p>
      )}
      {changes.length > 0 ? (
        <table tabindex={0}>
          <thead>
            <tr>
              <th>Change</th>
              <th>Target</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((a) => (
              <tr data-action={a.kind} data-target={a.target}>
                <td>{a.kind}</td>
                <td>{a.target}</td>
                <td>{a.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

function planOf(price: CatalogPrice): string {
  const amount = formatMoney(price.unitAmount, price.currency)
  if (!price.recurring) return `${amount} once`
  const { interval, intervalCount } = price.recurring
  const every = intervalCount === 1 ? interval : `${intervalCount} ${interval}s`
  return `${amount} / ${every}${price.trialDays ? `, ${price.trialDays}-day trial` : ''}`
}

function CatalogTables({ catalog }: { catalog: Catalog }) {
  return (
    <>
      <h2>Products and prices</h2>
      <table tabindex={0} id="catalog-products">
        <thead>
          <tr>
            <th>Product</th>
            <th>Access</th>
            <th>Features</th>
            <th>Files</th>
            <th>Prices</th>
          </tr>
        </thead>
        <tbody>
          {catalog.products.map((p) => (
            <tr data-product={p.id}>
              <td>
                {p.name} <code>{p.id}</code>
              </td>
              <td>{p.access === 'forever' ? 'forever' : `${p.access.days} days`}</td>
              <td>{p.features.join(', ')}</td>
              <td>{p.files.map((f) => `${f.title} (${f.id})`).join(', ')}</td>
              <td>
                {p.prices.map((price) => (
                  <div data-price={price.lookupKey}>
                    <code>{price.lookupKey}</code> {planOf(price)}
                    {price.family ? ` · family ${price.family}` : ''}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Features</h2>
      <table tabindex={0} id="catalog-features">
        <thead>
          <tr>
            <th>Feature</th>
            <th>Name</th>
            <th>While past due</th>
            <th>After cancelling</th>
            <th>During a trial</th>
          </tr>
        </thead>
        <tbody>
          {catalog.features.map((f) => (
            <tr data-feature={f.key}>
              <td>
                <code>{f.key}</code>
              </td>
              <td>{f.name}</td>
              <td>{f.pastDueGraceDays} days</td>
              <td>{f.accessUntilPeriodEnd ? 'until period end' : 'ends at once'}</td>
              <td>{f.trialing ? 'granted' : 'not granted'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
