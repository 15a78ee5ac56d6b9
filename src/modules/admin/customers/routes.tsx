/**
 * Customers: search (and CSV), one customer's page, and the changes an admin makes there: grant or
 * revoke a feature (end date, reason), send a sign-in link, sign out everywhere. Each change and
 * its audit entry share one transaction.
 * @module
 */

import { type Context, Hono } from 'hono'
import * as z from 'zod'
import type { AppEnv } from '../../../http/env.js'
import { validate } from '../../../http/validate.js'
import { AppError } from '../../../lib/errors.js'
import { renderPage } from '../../../web/layout.js'
import { listSubscriptionsOfCustomer } from '../../billing/index.js'
import {
  type CustomerRow,
  findCustomer,
  listSessionsOfCustomer,
  searchCustomers,
  sendSignInLink,
  signOutEverywhere,
} from '../../customers/index.js'
import { listGrants } from '../../entitlements/index.js'
import { listOutboxMail } from '../../mail/index.js'
import { knownFeatures } from '../../members/index.js'
import { listOrdersOfCustomer } from '../../orders/index.js'
import { listEventsNaming } from '../../webhooks/index.js'
import { adminOf } from '../access.js'
import { recordAudit } from '../audit.js'
import { toCsv } from '../csv.js'
import { listAuditEntries } from '../repo.js'
import { AdminFrame, PAGE_SIZE, Pager } from '../views.js'
import { grantAndAudit, revokeAndAudit } from './manual-access.js'
import { type CustomerDetail, CustomerList, CustomerPage } from './views.js'

const GrantForm = z.object({
  intent: z.enum(['grant', 'revoke']),
  feature: z.string().min(1).max(200),
  until: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'must be a date, YYYY-MM-DD')
    .optional(),
  reason: z.string().trim().min(1, 'say why').max(500),
})

export function createCustomerRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/admin/customers', async (c) => {
      const query = c.req.query('q') ?? ''
      const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1)
      const customers = await searchCustomers(c.get('deps').db, {
        query,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      })
      return renderPage(
        c,
        { title: 'Customers' },
        <AdminFrame title="Customers">
          <CustomerList customers={customers} query={query} />
          <Pager path="/admin/customers" params={{ q: query }} page={page} count={customers.length} />
        </AdminFrame>,
      )
    })
    .get('/admin/customers.csv', async (c) => {
      const customers = await searchCustomers(c.get('deps').db, {
        query: c.req.query('q') ?? '',
        limit: 100_000,
        offset: 0,
      })
      const csv = toCsv(
        ['id', 'email', 'stripe_customer_id', 'created_at'],
        customers.map((cu) => [cu.id, cu.email, cu.stripe_customer_id ?? '', cu.created_at]),
      )
      c.header('Content-Disposition', 'attachment; filename="customers.csv"')
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
    })
    .get('/admin/customers/:id', async (c) => {
      const detail = await readCustomerDetail(c, c.req.param('id'))
      const notice = c.req.query('done')
      return renderPage(
        c,
        { title: detail.customer.email },
        <AdminFrame title={detail.customer.email} notice={notice}>
          <CustomerPage detail={detail} />
        </AdminFrame>,
      )
    })
    .post('/admin/customers/:id/grants', validate('form', GrantForm), async (c) => {
      const deps = c.get('deps')
      const customer = await getCustomerRow(c, c.req.param('id'))
      const form = c.req.valid('form')
      const until = form.until ? new Date(`${form.until}T00:00:00.000Z`) : undefined
      if (until && until <= deps.clock.now())
        throw new AppError('INVALID_REQUEST', { message: 'The end date must be in the future.' })
      const change = {
        actor: adminOf(c).email,
        email: customer.email,
        feature: form.feature,
        reason: form.reason,
      }
      const done = await deps.db.transaction().execute(async (trx) => {
        if (form.intent === 'grant') {
          await grantAndAudit(deps, trx, { ...change, until })
          return 'Granted'
        }
        return (await revokeAndAudit(deps, trx, change)) > 0
          ? 'Revoked'
          : `No live grant of ${form.feature} to revoke`
      })
      return c.redirect(`/admin/customers/${customer.id}?${new URLSearchParams({ done }).toString()}`, 303)
    })
    .post('/admin/customers/:id/sign-out', async (c) => {
      const deps = c.get('deps')
      const customer = await getCustomerRow(c, c.req.param('id'))
      const actor = adminOf(c).email
      await deps.db.transaction().execute(async (trx) => {
        const now = deps.clock.now()
        const sessions = await listSessionsOfCustomer(trx, customer.id, now.toISOString())
        await signOutEverywhere(trx, customer.id)
        await recordAudit(trx, now, {
          actor,
          action: 'customer.sign_out_everywhere',
          target: { type: 'customer', id: customer.id },
          customerId: customer.id,
          before: { sessions: sessions.length },
          after: { sessions: 0 },
        })
      })
      return c.redirect(`/admin/customers/${customer.id}?done=Signed+out+everywhere`, 303)
    })
    .post('/admin/customers/:id/sign-in-link', async (c) => {
      const deps = c.get('deps')
      const customer = await getCustomerRow(c, c.req.param('id'))
      const actor = adminOf(c).email
      await deps.db.transaction().execute(async (trx) => {
        await sendSignInLink(deps, trx, { id: customer.id, email: customer.email })
        await recordAudit(trx, deps.clock.now(), {
          actor,
          action: 'customer.send_sign_in_link',
          target: { type: 'customer', id: customer.id },
          customerId: customer.id,
        })
      })
      return c.redirect(`/admin/customers/${customer.id}?done=Sign-in+link+sent`, 303)
    })
}

async function getCustomerRow(c: Context<AppEnv>, id: string): Promise<CustomerRow> {
  const found = await findCustomer(c.get('deps').db, id)
  if (!found) throw new AppError('CUSTOMER_NOT_FOUND')
  return {
    id: found.id,
    email: found.email,
    stripe_customer_id: found.stripeCustomerId,
    password_hash: null,
    created_at: found.createdAt.toISOString(),
  }
}

async function readCustomerDetail(c: Context<AppEnv>, id: string): Promise<CustomerDetail> {
  const deps = c.get('deps')
  const customer = await getCustomerRow(c, id)
  const orders = await listOrdersOfCustomer(deps.db, id)
  const [subscriptions, grants, sessions, mail, audit, events] = await Promise.all([
    listSubscriptionsOfCustomer(deps.db, id),
    listGrants(deps.db, id),
    listSessionsOfCustomer(deps.db, id, deps.clock.now().toISOString()),
    listOutboxMail(deps.db, customer.email, 50),
    listAuditEntries(deps.db, { customerId: id, limit: 100, offset: 0 }),
    // Events naming the Stripe customer, or (one-time purchases make no Stripe customer) the
    // Checkout Sessions and PaymentIntents of the newest 20 orders.
    listEventsNaming(
      deps.db,
      [
        customer.stripe_customer_id ?? '',
        ...orders
          .slice(0, 20)
          .flatMap((o) => [o.stripe_checkout_session_id, o.stripe_payment_intent_id ?? '']),
      ],
      50,
    ),
  ])
  return {
    customer,
    orders,
    subscriptions,
    grants,
    sessions,
    mail,
    audit,
    events,
    features: knownFeatures(deps.catalog),
  }
}
