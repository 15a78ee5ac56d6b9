/**
 * Every route the app serves, one line each: who may call it, whether it changes state, what input
 * it takes, and which of the signed-in customer's things it touches. `routes.test.ts` checks this
 * table against the router itself (a route missing here, or a row with no route, fails the build)
 * and `probes.ts` turns each row into attacks with the refusal documented in `REFUSALS`.
 *
 * Adding a route: add one `row(…)` line below, next to its module's rows.
 * @see issue 9
 */

/** Who may call a route. A `key:` row needs an API key holding that scope. */
export type Access =
  | 'anyone'
  | 'token' // anyone holding an unguessable token (a Checkout session id, an emailed link)
  | 'customer' // a signed-in customer
  | 'feature' // a signed-in customer with a live grant of the feature (catalog files and pages)
  | 'admin' // a signed-in customer listed in ADMIN_EMAILS, email proven
  | 'stripe-signature' // Stripe, proven by the Stripe-Signature header
  | 'cron-secret' // the scheduler, with Authorization: Bearer <CRON_SECRET>
  | `key:${string}`

/** The signed-in owner's things a row can be pointed at, to try them as another customer. */
/** `subscription`: the owner's subscription named in the query or form; `path`: the `:id` is the owner's. */
export type Owned = 'subscription' | 'path'

/** Fixture ids that fill a path's `:param` (the rest get an unknown id). */
export type FixtureId =
  | 'order'
  | 'invoice'
  | 'customer'
  | 'customer-email'
  | 'subscription'
  | 'event'
  | 'file'
  | 'grant'

export type Input = 'form' | 'json' | 'query' | 'none'

export type RouteRow = {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  access: Access
  /** Whether a successful call changes stored state. */
  writes: boolean
  input: Input
  /** The answer to malformed input from a caller who is allowed in (default 422). */
  malformed?: number
  owned?: Owned
  id?: FixtureId
}

type RowOptions = Partial<Pick<RouteRow, 'input' | 'malformed' | 'owned' | 'id'>>

/** Pages whose query only fills in the page: a bad value is ignored (default shown), 200. */
const LENIENT = 200

const reads = (method: 'GET', path: string, access: Access, options: RowOptions = {}): RouteRow => ({
  method,
  path,
  access,
  writes: false,
  input: 'none',
  ...options,
})

const writes = (
  method: 'POST' | 'DELETE',
  path: string,
  access: Access,
  options: RowOptions = {},
): RouteRow => ({ method, path, access, writes: true, input: 'form', ...options })

export const ROUTES: readonly RouteRow[] = [
  // health, cron, static, home, dev mailbox
  reads('GET', '/healthz', 'anyone'),
  reads('GET', '/readyz', 'anyone'),
  reads('GET', '/cron', 'cron-secret'),
  writes('POST', '/cron', 'cron-secret', { input: 'none' }),
  reads('GET', '/static/style.css', 'anyone'),
  reads('GET', '/static/page.js', 'anyone'),
  reads('GET', '/', 'anyone'),
  reads('GET', '/dev/mail', 'anyone', { input: 'query', malformed: LENIENT }), // test mode only: 404 in production
  // customers: sign-in by link
  reads('GET', '/login', 'anyone', { input: 'query', malformed: LENIENT }),
  writes('POST', '/login', 'anyone'),
  reads('GET', '/login/link', 'token', { input: 'query', malformed: LENIENT }),
  writes('POST', '/login/link', 'token'),
  writes('POST', '/logout', 'anyone', { input: 'none' }),
  // checkout and orders
  writes('POST', '/checkout', 'anyone'),
  writes('POST', '/api/checkout-sessions', 'anyone', { input: 'json' }),
  reads('GET', '/tollgate.js', 'anyone'),
  reads('GET', '/checkout/cancel', 'anyone'),
  reads('GET', '/checkout/success', 'token', { input: 'query', malformed: 303 }),
  // webhooks
  writes('POST', '/webhooks/stripe', 'stripe-signature', { input: 'json', malformed: 400 }),
  // delivery
  reads('GET', '/library', 'customer'),
  reads('GET', '/download/:id', 'feature', { id: 'file' }),
  // members
  reads('GET', '/members', 'customer'),
  // accounts: passwords
  reads('GET', '/register', 'anyone', { input: 'query', malformed: LENIENT }),
  writes('POST', '/register', 'anyone'),
  reads('GET', '/account/confirm', 'token', { input: 'query', malformed: LENIENT }),
  writes('POST', '/account/confirm', 'token'),
  reads('GET', '/signin', 'anyone', { input: 'query', malformed: LENIENT }),
  writes('POST', '/signin', 'anyone'),
  reads('GET', '/password/forgot', 'anyone'),
  writes('POST', '/password/forgot', 'anyone'),
  reads('GET', '/password/reset', 'token', { input: 'query', malformed: 410 }), // unknown or used link
  writes('POST', '/password/reset', 'token'),
  // billing
  reads('GET', '/billing/change', 'customer', { input: 'query', owned: 'subscription' }),
  writes('POST', '/billing/change', 'customer', { owned: 'subscription' }),
  writes('POST', '/billing/keep-plan', 'customer', { owned: 'subscription' }),
  reads('GET', '/billing/cancel', 'customer', { input: 'query', owned: 'subscription' }),
  writes('POST', '/billing/cancel', 'customer', { owned: 'subscription' }),
  writes('POST', '/billing/resume', 'customer', { owned: 'subscription' }),
  reads('GET', '/pricing', 'anyone', { input: 'query', malformed: LENIENT }),
  writes('POST', '/subscribe', 'anyone'),
  reads('GET', '/subscribe/refused', 'anyone', { input: 'query' }),
  reads('GET', '/billing/success', 'token', { input: 'query', malformed: 303 }),
  reads('GET', '/account', 'customer'),
  writes('POST', '/billing/portal', 'customer'),
  reads('GET', '/billing/update-card', 'customer'), // from the payment-failed email: 303 to the portal
  reads('GET', '/account/orders/:id', 'customer', { id: 'order', owned: 'path' }),
  reads('GET', '/account/invoices/:id', 'customer', { id: 'invoice', owned: 'path' }),
  // api access: session JSON, tokens, keys
  reads('GET', '/api/me/entitlements', 'customer'),
  writes('POST', '/api/token', 'customer', { input: 'none' }),
  reads('GET', '/.well-known/jwks.json', 'anyone'),
  reads('GET', '/api/customers/:email/entitlements', 'key:entitlements:read', { id: 'customer-email' }),
  // api v1
  writes('POST', '/api/v1/checkout-sessions', 'key:checkout:write', { input: 'json' }),
  reads('GET', '/api/v1/orders/:id', 'key:orders:read', { id: 'order' }),
  reads('GET', '/api/v1/customers', 'key:customers:read', { input: 'query', malformed: 400 }),
  reads('GET', '/api/v1/customers/:id/entitlements', 'key:entitlements:read', { id: 'customer' }),
  writes('POST', '/api/v1/grants', 'key:grants:write', { input: 'json' }),
  writes('DELETE', '/api/v1/grants/:id', 'key:grants:write', { input: 'none', id: 'grant' }),
  writes('POST', '/api/v1/licenses/validate', 'token', { input: 'json' }), // the licence key is the credential
  writes('POST', '/api/v1/licenses/activate', 'token', { input: 'json' }),
  writes('POST', '/api/v1/licenses/deactivate', 'token', { input: 'json' }),
  reads('GET', '/api/v1/licenses/:id', 'key:entitlements:read'),
  writes('POST', '/api/v1/licenses/:id/revoke', 'key:licenses:write', { input: 'json' }),
  reads('GET', '/api/v1/customers/:id/licenses', 'key:entitlements:read', { id: 'customer' }),
  reads('GET', '/api/v1/openapi.json', 'anyone'),
  reads('GET', '/api/v1/docs', 'anyone'),
  // admin console
  reads('GET', '/admin', 'admin'),
  reads('GET', '/admin/reauth', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/audit', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/audit.csv', 'admin'),
  reads('GET', '/admin/metrics', 'admin', { input: 'query' }),
  reads('GET', '/admin/metrics.csv', 'admin', { input: 'query' }),
  reads('GET', '/admin/customers', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/customers.csv', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/customers/:id', 'admin', { id: 'customer' }),
  writes('POST', '/admin/customers/:id/grants', 'admin', { id: 'customer' }),
  writes('POST', '/admin/customers/:id/sign-out', 'admin', { input: 'none', id: 'customer' }),
  writes('POST', '/admin/customers/:id/sign-in-link', 'admin', { input: 'none', id: 'customer' }),
  reads('GET', '/admin/orders', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/orders.csv', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/orders/:id', 'admin', { id: 'order' }),
  writes('POST', '/admin/orders/:id/refund', 'admin', { id: 'order' }),
  reads('GET', '/admin/coupons', 'admin'),
  reads('GET', '/admin/coupons.csv', 'admin'),
  writes('POST', '/admin/coupons', 'admin'),
  writes('POST', '/admin/coupons/deactivate', 'admin'),
  reads('GET', '/admin/subscriptions', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/subscriptions.csv', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/subscriptions/:id', 'admin', { id: 'subscription' }),
  reads('GET', '/admin/subscriptions/:id/preview', 'admin', {
    input: 'query',
    malformed: 400,
    id: 'subscription',
  }),
  writes('POST', '/admin/subscriptions/:id/change', 'admin', { id: 'subscription' }),
  reads('GET', '/admin/events', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/events.csv', 'admin', { input: 'query', malformed: LENIENT }),
  writes('POST', '/admin/events/:id/replay', 'admin', { input: 'none', id: 'event' }),
  writes('POST', '/admin/events/replay-failing', 'admin', { input: 'none' }),
  reads('GET', '/admin/emails', 'admin', { input: 'query', malformed: LENIENT }),
  reads('GET', '/admin/emails.csv', 'admin', { input: 'query', malformed: LENIENT }),
  writes('POST', '/admin/emails/:id/resend', 'admin', { input: 'none' }),
  reads('GET', '/admin/catalog', 'admin'),
  reads('GET', '/admin/catalog.csv', 'admin'),
  reads('GET', '/admin/api-keys', 'admin'),
  writes('POST', '/admin/api-keys', 'admin'),
  writes('POST', '/admin/api-keys/revoke', 'admin'),
  reads('GET', '/admin/webhooks', 'admin'),
  writes('POST', '/admin/webhooks', 'admin'),
  writes('POST', '/admin/webhooks/disable', 'admin'),
  writes('POST', '/admin/webhooks/enable', 'admin'),
  writes('POST', '/admin/webhooks/redeliver', 'admin'),
]

/**
 * Pages served from the catalog (`pages:` in catalog.yaml) by a middleware rather than a route;
 * the test reads them from the loaded catalog, so each needs no row of its own.
 */
export const CATALOG_PAGE_ACCESS: Access = 'feature'

/** `METHOD /path`, as the failure messages name a route. */
export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`
}
