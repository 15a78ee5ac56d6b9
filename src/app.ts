/**
 * createApp(deps): global middleware, then every module's routes in one mount block, then the
 * error envelope. Nothing here knows about a particular page.
 * @module
 */
import { Hono, type MiddlewareHandler } from 'hono'
import type { H, RouterRoute } from 'hono/types'
import { csrf } from 'hono/csrf'
import { cronRoutes } from './cron.js'
import type { Deps } from './deps.js'
import { limitBodies } from './http/body-limit.js'
import type { AppEnv } from './http/env.js'
import { requestId } from './http/request-id.js'
import { MemoizedRouter } from './http/router.js'
import { securityHeaders } from './http/security-headers.js'
import { loadSession } from './http/session.js'
import { EVENT_HANDLERS } from './event-handlers.js'
import { accountRoutes } from './modules/accounts/index.js'
import { createAdminRoutes } from './modules/admin/index.js'
import { apiAccessRoutes } from './modules/api-access/index.js'
import { apiV1Routes } from './modules/api-v1/index.js'
import { createBillingRoutes, startSubscriptionFromButton } from './modules/billing/index.js'
import { createCheckoutRoutes } from './modules/checkout/index.js'
import { customerRoutes, findSessionCustomer } from './modules/customers/index.js'
import { deliveryRoutes } from './modules/delivery/index.js'
import { createHealthRoutes, type HeartbeatCheck } from './modules/health/index.js'
import { mailRoutes } from './modules/mail/index.js'
import { memberRoutes } from './modules/members/index.js'
import { listOrderSummaries, orderRoutes } from './modules/orders/index.js'
import { storefrontRoutes } from './modules/storefront/index.js'
import { createWebhookRoutes, type EventHandlerMap } from './modules/webhooks/index.js'
import { handleError, handleNotFound } from './web/error-handler.js'
import { webRoutes } from './web/routes.js'

export type { AppEnv } from './http/env.js'

export type AppOptions = {
  /** How /readyz judges the background workers (those of this process, or the cron run). */
  heartbeat?: HeartbeatCheck
  /**
   * The inbox's handler map (default: every module's, EVENT_HANDLERS). The webhook route stores an
   * event of a type no handler wants as already handled, and the console replays with it.
   */
  eventHandlers?: EventHandlerMap
}

/** Methods whose requests may carry a body (limits apply). */
const WITH_BODY = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
/** Methods the CSRF check looks at (hono's `csrf` passes GET, HEAD and OPTIONS through). */
const UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE']

export function createApp(deps: Deps, options: AppOptions = {}): Hono<AppEnv> {
  const router = new MemoizedRouter<[H, RouterRoute]>()
  // The catalog's members pages are served by the members module's wildcard middleware.
  router.remember(deps.catalog.pages.map((page) => page.path))
  const app = new Hono<AppEnv>({ router })
  const publicOrigin = new URL(deps.config.publicUrl).origin
  const eventHandlers = options.eventHandlers ?? EVENT_HANDLERS

  // Each middleware layer costs every request an async step of Hono's dispatch, so layers that have
  // nothing to do for a method are registered for the other methods only (`app.on`): a page view
  // passes three. The order is the same for every method.
  const requestIdStep = requestId()
  const injectDepsAndRequestId: MiddlewareHandler<AppEnv> = function injectDepsAndRequestId(c, next) {
    c.set('deps', deps)
    return requestIdStep(c, next)
  }
  const bodies = limitBodies(deps.config.bodyLimits)
  // Form posts must come from our own pages (Origin check); JSON and webhooks are not form posts,
  // and a cross-site form post is refused here before anything reads it.
  const formOrigin = csrf({
    origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin,
  })

  // Stripe's webhook comes first, behind only what it uses: its handler answers without calling
  // next(), so the page middleware below (security headers, the session cookie) never runs for a
  // server-to-server JSON POST that carries no cookie and renders nothing.
  app.on('POST', '/webhooks/stripe', injectDepsAndRequestId, bodies, formOrigin)
  app.route('/', createWebhookRoutes(eventHandlers))

  app.use(injectDepsAndRequestId)
  // GET and HEAD have no body on Node (body-limit.ts).
  app.on(WITH_BODY, '*', bodies)
  app.use(securityHeaders())
  // `/api/v1` never reads the session cookie (API keys, licence keys), so there is nothing to forge,
  // and a server's `DELETE` without a body has no content type, which the check takes for a form.
  // GET, HEAD and OPTIONS are never checked (safe methods).
  app.on(UNSAFE, '*', (c, next) => (c.req.path.startsWith('/api/v1/') ? next() : formOrigin(c, next)))
  app.use(loadSession(findSessionCustomer))

  // ── Module routes: one line each ───────────────────────────────────────────────────────────
  app.route('/', createHealthRoutes(options.heartbeat))
  app.route('/', cronRoutes)
  app.route('/', webRoutes)
  app.route('/', storefrontRoutes)
  app.route('/', mailRoutes)
  app.route('/', customerRoutes)
  app.route('/', createCheckoutRoutes(startSubscriptionFromButton))
  app.route('/', orderRoutes)
  app.route('/', deliveryRoutes)
  app.route('/', accountRoutes)
  app.route('/', createBillingRoutes(listOrderSummaries))
  app.route('/', apiAccessRoutes)
  app.route('/', apiV1Routes)
  app.route('/', createAdminRoutes({ eventHandlers })) // 404 for anyone but an admin
  app.route('/', memberRoutes) // last: catalog pages such as /premium, gated by feature

  app.onError(handleError)
  app.notFound(handleNotFound)
  return app
}
