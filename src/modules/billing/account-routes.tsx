/**
 * The member's own pages: `GET /account` (plans, access, orders and invoices), the receipt of one
 * invoice (`GET /account/invoices/:id`, 404 for anyone else's), and the ways into the Billing
 * Portal: `POST /billing/portal` from the page, `GET /billing/update-card` from an email (a link
 * cannot post; it only opens the card form of the member's own portal, after sign-in).
 * One-time orders belong to the orders module, a sibling this one may not import: the composition
 * root passes in the function that lists them (`createBillingRoutes(listOrders)`).
 * @module
 */
import { type Context, Hono } from 'hono'
import * as z from 'zod'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../http/env.js'
import { requireCustomer, signedInOnly } from '../../http/session.js'
import { validate } from '../../http/validate.js'
import { AppError } from '../../lib/errors.js'
import { renderPage } from '../../web/layout.js'
import { featureLabel, findPortalConfiguration, findPrice } from '../catalog/index.js'
import { asAppError } from '../checkout/index.js'
import { findCustomer } from '../customers/index.js'
import { listEntitlements } from '../entitlements/index.js'
import { upcomingCharge } from './history.js'
import { InvoiceReceiptPage } from './invoice-receipt.js'
import { listSwitchTargets } from './plan-change.js'
import { planName } from './plans.js'
import { findInvoiceOfCustomer, listInvoicesOfCustomer, listSubscriptionsOfCustomer } from './repo.js'
import { type AccountOrder, AccountPage, PORTAL_FLOWS, type PortalFlow } from './views.js'

/** The one-time orders of a customer, newest first, as the account page lists them. */
export type ListOrders = (deps: Deps, customerId: string) => Promise<AccountOrder[]>

const NO_ORDERS: ListOrders = async () => []
const PortalForm = z.object({ flow: z.enum(PORTAL_FLOWS).optional() })

/**
 * A portal session for the signed-in customer (optionally opened on one task) and its URL; the
 * portal returns to the account page (`returnPath`, e.g. with a notice to show there).
 */
export async function openPortal(
  c: Context<AppEnv>,
  flow: PortalFlow | undefined,
  returnPath = '/account',
): Promise<string> {
  const deps = c.get('deps')
  const customer = await findCustomer(deps.db, requireCustomer(c).id)
  if (!customer?.stripeCustomerId) throw new AppError('NO_BILLING_ACCOUNT')
  const returnUrl = `${deps.config.publicUrl}${returnPath}`
  // The catalog sync's configuration (plan switching, cancellation reasons); Stripe's default otherwise.
  const configuration = await findPortalConfiguration(deps.stripe).catch((err) => {
    throw asAppError(err)
  })
  const portal = await deps.stripe.billingPortal.sessions
    .create({
      customer: customer.stripeCustomerId,
      return_url: returnUrl,
      ...(configuration ? { configuration: configuration.id } : {}),
      // The failed-payment banner and email go straight to the card form, then back to the account.
      ...(flow === 'payment_method_update'
        ? {
            flow_data: {
              type: 'payment_method_update',
              after_completion: { type: 'redirect', redirect: { return_url: returnUrl } },
            },
          }
        : {}),
    })
    .catch((err) => {
      throw asAppError(err)
    })
  return portal.url
}

export function createAccountRoutes(listOrders: ListOrders = NO_ORDERS): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/account', async (c) => {
      const signedIn = c.get('customer')
      if (!signedIn) return c.redirect('/signin?next=%2Faccount', 303)
      const deps = c.get('deps')
      const subscriptions = await listSubscriptionsOfCustomer(deps.db, signedIn.id)
      const view = {
        entitlements: (await listEntitlements(deps.db, signedIn.id, deps.clock.now())).map((e) => ({
          ...e,
          name: featureLabel(deps.catalog, e.feature),
        })),
        email: signedIn.email,
        subscriptions: await Promise.all(
          subscriptions.map(async (s) => ({
            ...s,
            upcomingCharge: await upcomingCharge(deps.db, s),
            planName: planName(deps.catalog, s),
            switchTargets: listSwitchTargets(deps, s),
            currentPrice: s.price_lookup_key ? findPrice(deps.catalog, s.price_lookup_key) : undefined,
            scheduledPlanName: s.scheduled_price_lookup_key
              ? planName(deps.catalog, {
                  product_id: s.product_id,
                  price_lookup_key: s.scheduled_price_lookup_key,
                })
              : undefined,
          })),
        ),
        invoices: await listInvoicesOfCustomer(deps.db, signedIn.id),
        orders: await listOrders(deps, signedIn.id),
        changed: c.req.query('changed'),
      }
      return renderPage(c, { title: 'Account' }, <AccountPage view={view} />)
    })
    .get('/account/invoices/:id', async (c) => {
      const customer = c.get('customer')
      if (!customer) return c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`, 303)
      const deps = c.get('deps')
      const id = c.req.param('id')
      const invoice = /^bin_[A-Za-z0-9]{4,100}$/.test(id)
        ? await findInvoiceOfCustomer(deps.db, customer.id, id)
        : undefined
      if (!invoice) throw new AppError('NOT_FOUND')
      const subscription = (await listSubscriptionsOfCustomer(deps.db, customer.id)).find(
        (s) => s.stripe_subscription_id === invoice.stripe_subscription_id,
      )
      const plan = subscription ? planName(deps.catalog, subscription) : 'Membership'
      c.header('Cache-Control', 'private, no-store')
      const page = <InvoiceReceiptPage invoice={invoice} planName={plan} email={customer.email} />
      return renderPage(c, { title: 'Receipt' }, page)
    })
    .post('/billing/portal', signedInOnly, validate('form', PortalForm), async (c) => {
      return c.redirect(await openPortal(c, c.req.valid('form').flow), 303)
    })
    .get('/billing/update-card', async (c) => {
      if (!c.get('customer')) return c.redirect('/signin?next=%2Fbilling%2Fupdate-card', 303)
      return c.redirect(await openPortal(c, 'payment_method_update'), 303)
    })
}
