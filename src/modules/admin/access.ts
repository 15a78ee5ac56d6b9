/**
 * Who may use the console: a signed-in customer whose email is in ADMIN_EMAILS and whose session
 * proved that email (password or emailed link, not an access token). Anyone else gets the
 * ordinary 404, so a guessed admin URL says nothing. Changes also need a session younger than
 * 12 hours; an older one is sent to sign in again first.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { Config } from '../../config.js'
import type { AppEnv, SessionCustomer } from '../../http/env.js'

export const FRESH_SESSION_MS = 12 * 3_600_000

export function isAdmin(config: Pick<Config, 'adminEmails'>, customer: SessionCustomer | undefined): boolean {
  if (!customer?.emailProven) return false
  return config.adminEmails.includes(customer.email.toLowerCase())
}

/** The signed-in admin, for handlers behind `requireAdmin`. */
export function adminOf(c: Context<AppEnv>): SessionCustomer {
  const customer = c.get('customer')
  if (!customer || !isAdmin(c.get('deps').config, customer)) throw new Error('requireAdmin did not run')
  return customer
}

export function isFresh(customer: SessionCustomer, now: Date): boolean {
  return now.getTime() - Date.parse(customer.signedInAt) < FRESH_SESSION_MS
}

/** Everything under /admin: 404 for non-admins; a state change needs a fresh session. */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    const deps = c.get('deps')
    const customer = c.get('customer')
    if (!isAdmin(deps.config, customer) || !customer) return c.notFound()
    const changes = c.req.method !== 'GET' && c.req.method !== 'HEAD'
    if (changes && !isFresh(customer, deps.clock.now())) {
      const back = new URL(c.req.header('referer') ?? '/admin', deps.config.publicUrl)
      const next = back.pathname.startsWith('/admin') ? `${back.pathname}${back.search}` : '/admin'
      return c.redirect(`/admin/reauth?next=${encodeURIComponent(next)}`, 303)
    }
    await next()
  }
}
