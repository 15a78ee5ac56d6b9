/**
 * Loads the signed-in customer from the session cookie onto `c.var.customer`. The lookup itself
 * belongs to the customers module, which passes its function to `loadSession` in app.ts.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { parse } from 'hono/utils/cookie'
import { AppError } from '../lib/errors.js'
import type { AppEnv, SessionCustomer } from './env.js'

export const SESSION_COOKIE = 'tollgate_session'
const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`

/**
 * The session token from the request: `__Host-tollgate_session` (https: Secure, this host only),
 * or the plain name (http, and sessions started before the prefix was introduced).
 */
export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  // The header is read once (getCookie reads it again per name); each parse stops at its name,
  // and one for a name the header does not contain returns at once.
  const header = c.req.header('cookie')
  if (!header) return undefined
  return (
    parse(header, HOST_SESSION_COOKIE)[HOST_SESSION_COOKIE] ?? parse(header, SESSION_COOKIE)[SESSION_COOKIE]
  )
}

/** Resolves a session cookie value to its customer (or undefined when unknown or expired). */
export type SessionLookup = (c: Context<AppEnv>, token: string) => Promise<SessionCustomer | undefined>

export function loadSession(lookup?: SessionLookup): MiddlewareHandler<AppEnv> {
  // Not async: an anonymous request (no cookie) passes straight on.
  return function loadSessionMiddleware(c, next) {
    const token = readSessionCookie(c)
    if (!lookup || !token) return next()
    return lookup(c, token).then((customer) => {
      if (customer) c.set('customer', customer)
      return next()
    })
  }
}

/** For routes that need a signed-in customer: throws UNAUTHORIZED (the HTML view offers sign-in). */
export function requireCustomer(c: Context<AppEnv>): SessionCustomer {
  const customer = c.get('customer')
  if (!customer) throw new AppError('UNAUTHORIZED')
  return customer
}

/**
 * Before a signed-in route's other middleware (form validation above all): an anonymous caller is
 * told to sign in, and learns nothing from which of its fields or ids were refused.
 */
export const signedInOnly: MiddlewareHandler<AppEnv> = async function signedInOnly(c, next) {
  requireCustomer(c)
  await next()
}
