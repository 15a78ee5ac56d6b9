/**
 * `/admin`: the owner console. Every path under it passes `requireAdmin` first (404 for anyone
 * else, a fresh session for changes); the sections are mounted from their own files. The event
 * handlers come from the composition root, which alone knows them (for replays).
 * @module
 */
import { Hono } from 'hono'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../http/env.js'
import { renderPage } from '../../web/layout.js'
import { countCustomersSince, findCustomer } from '../customers/index.js'
import { countUndeliveredMail } from '../mail/index.js'
import { listOrdersPage } from '../orders/index.js'
import { countInboxTrouble, type EventHandlerMap, recoveryResumesFrom } from '../webhooks/index.js'
import { adminOf, requireAdmin } from './access.js'
import { apiKeyRoutes } from './api-keys/routes.js'
import { catalogRoutes } from './catalog/routes.js'
import { couponRoutes } from './coupons/routes.js'
import { toCsv } from './csv.js'
import { createCustomerRoutes } from './customers/routes.js'
import { emailRoutes } from './emails/routes.js'
import { createEventRoutes } from './events/routes.js'
import { buildMetricsReport, lastBucketNet } from './metrics.js'
import { metricsRoutes } from './metrics-routes.js'
import { orderRoutes } from './orders/routes.js'
import { parseRange } from './range.js'
import { listAuditEntries } from './repo.js'
import { subscriptionRoutes } from './subscriptions/routes.js'
import {
  AdminFrame,
  AuditTable,
  DashboardPage,
  type Health,
  type LatestSale,
  PAGE_SIZE,
  Pager,
  pageOf,
  ReauthPage,
} from './views.js'
import { webhookRoutes } from './webhooks/routes.js'

export type AdminOptions = { eventHandlers: EventHandlerMap }

const DAY_MS = 86_400_000

export function createAdminRoutes(options: AdminOptions): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .use('/admin', requireAdmin())
    .use('/admin/*', requireAdmin())
    .get('/admin', async (c) => {
      const deps = c.get('deps')
      const now = deps.clock.now()
      // One report, the 30 days up to today by day: today is its last bucket.
      const [month, health, sales, newCustomers] = await Promise.all([
        buildMetricsReport(deps.db, parseRange({}, now)),
        readHealth(deps, now),
        latestSales(deps),
        countCustomersSince(deps.db, new Date(now.getTime() - 30 * DAY_MS).toISOString()),
      ])
      const page = (
        <DashboardPage
          todayNet={lastBucketNet(month)}
          month={month}
          health={health}
          sales={sales}
          newCustomers={newCustomers}
        />
      )
      return renderPage(c, { title: 'Dashboard' }, <AdminFrame title="Dashboard">{page}</AdminFrame>)
    })
    .get('/admin/reauth', (c) => {
      const next = c.req.query('next') ?? '/admin'
      const safe = next.startsWith('/admin') && !next.startsWith('//') ? next : '/admin'
      return renderPage(c, { title: 'Sign in again' }, <ReauthPage email={adminOf(c).email} next={safe} />)
    })
    .get('/admin/audit', async (c) => {
      const page = pageOf(c.req.query('page'))
      const q = auditQueryOf(c.req.query('q'))
      const params: Record<string, string> = q ? { q } : {}
      const entries = await listAuditEntries(c.get('deps').db, {
        query: q,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      })
      return renderPage(
        c,
        { title: 'Audit log' },
        <AdminFrame title="Audit log">
          <form method="get" action="/admin/audit" class="filters">
            <label>
              Actor, action or target <input type="search" name="q" value={q} />
            </label>
            <button type="submit">Search</button>
          </form>
          <p>
            <a href={q ? `/admin/audit.csv?${new URLSearchParams(params)}` : '/admin/audit.csv'}>CSV</a>
          </p>
          <AuditTable entries={entries} />
          <Pager path="/admin/audit" params={params} page={page} count={entries.length} />
        </AdminFrame>,
      )
    })
    .get('/admin/audit.csv', async (c) => {
      const entries = await listAuditEntries(c.get('deps').db, {
        query: auditQueryOf(c.req.query('q')),
        limit: 200_000,
        offset: 0,
      })
      const csv = toCsv(
        ['created_at', 'actor', 'action', 'target_type', 'target_id', 'before', 'after', 'reason'],
        entries.map((e) => [
          e.created_at,
          e.actor_email,
          e.action,
          e.target_type,
          e.target_id,
          e.before_json ?? '',
          e.after_json ?? '',
          e.reason ?? '',
        ]),
      )
      c.header('Content-Disposition', 'attachment; filename="audit.csv"')
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
    })
    .route('/', metricsRoutes)
    .route('/', createCustomerRoutes())
    .route('/', orderRoutes)
    .route('/', couponRoutes)
    .route('/', catalogRoutes)
    .route('/', subscriptionRoutes)
    .route('/', createEventRoutes(options.eventHandlers))
    .route('/', emailRoutes)
    .route('/', apiKeyRoutes)
    .route('/', webhookRoutes)
}

/** The audit search text (`?q=`), bounded. */
function auditQueryOf(text: string | undefined): string {
  return (text ?? '').trim().slice(0, 100)
}

async function readHealth(deps: Deps, now: Date): Promise<Health> {
  const fifteenMinutesAgo = new Date(now.getTime() - 15 * 60_000).toISOString()
  const [inbox, undeliveredMail, resumesFrom] = await Promise.all([
    countInboxTrouble(deps.db, fifteenMinutesAgo),
    countUndeliveredMail(deps.db, fifteenMinutesAgo),
    recoveryResumesFrom(deps),
  ])
  return {
    failingEvents: inbox.failing,
    stuckEvents: inbox.stuck,
    undeliveredMail,
    recoveryResumesFrom: resumesFrom?.toISOString(),
  }
}

async function latestSales(deps: Deps): Promise<LatestSale[]> {
  const orders = await listOrdersPage(deps.db, {}, { limit: 10, offset: 0 })
  return Promise.all(
    orders.map(async (o) => ({
      id: o.id,
      email: (await findCustomer(deps.db, o.customer_id))?.email ?? '',
      productId: o.product_id,
      amount: o.amount,
      currency: o.currency,
      status: o.status,
      createdAt: o.created_at,
    })),
  )
}
