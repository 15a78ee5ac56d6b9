/**
 * Loads the signed-in customer from the session cookie onto `c.var.customer`. The lookup itself
 * belongs to the customers module, which passes its function to `loadSession` in app.ts.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { tryDecodeURIComponent } from 'hono/utils/url'
import { AppError } from '../lib/errors.js'
import type { AppEnv, SessionCustomer } from './env.js'

export const SESSION_COOKIE = 'tollgate_session'
const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`

/**
 * The session token from the request: `__Host-tollgate_session` (https: Secure, this host only),
 * or the plain name (http, and sessions started before the prefix was introduced).
 */
export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  // The header is read once (getCookie reads it again per name).
  const header = c.req.header('cookie')
  if (!header) return undefined
  return cookieValue(header, HOST_SESSION_COOKIE) ?? cookieValue(header, SESSION_COOKIE)
}

const VALID_COOKIE_VALUE = /^[ !#-:<-[\]-~]*$/

/**
 * The value of cookie `name` in a Cookie header, exactly as hono's `parse(header, name)[name]`
 * reads it (the first pair of that name whose value is valid; names and values trimmed of spaces
 * and tabs, one pair of quotes removed, percent-decoded where valid), without building the
 * dictionary object and the array of pairs that `parse` makes for every signed-in request.
 * `session.test.ts` holds it to `parse` on generated headers.
 */
export function cookieValue(header: string, name: string): string | undefined {
  if (header.indexOf(name) === -1) return undefined
  const length = header.length
  let start = 0
  while (start <= length) {
    let end = header.indexOf(';', start)
    if (end === -1) end = length
    const eq = header.indexOf('=', start)
    if (eq !== -1 && eq < end && trimmed(header, start, eq) === name) {
      let value = trimmed(header, eq + 1, end)
      if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
      if (VALID_COOKIE_VALUE.test(value)) return tryDecodeURIComponent(value)
    }
    start = end + 1
  }
  return undefined
}

/** `text.slice(start, end)` without leading and trailing spaces and tabs (as hono trims). */
function trimmed(text: string, start: number, end: number): string {
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--
  return text.slice(start, end)
}

/**
 * Resolves a session cookie value to its customer (or undefined when unknown or expired): at once
 * when the answer is at hand (a cached session), else as a promise.
 */
export type SessionLookup = (
  c: Context<AppEnv>,
  token: string,
) => SessionCustomer | undefined | Promise<SessionCustomer | undefined>

export function loadSession(lookup?: SessionLookup): MiddlewareHandler<AppEnv> {
  // Not async: an anonymous request (no cookie), and a signed-in one whose session is cached,
  // passes straight on.
  return function loadSessionMiddleware(c, next) {
    const token = readSessionCookie(c)
    if (!lookup || !token) return next()
    const found = lookup(c, token)
    if (found instanceof Promise) {
      return found.then((customer) => {
        if (customer) c.set('customer', customer)
        return next()
      })
    }
    if (found) c.set('customer', found)
    return next()
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
