/**
 * Security headers on every response (Hono's `secureHeaders`): a Content-Security-Policy that runs
 * only our own script files (no inline script: pages use /static/page.js), refuses framing, nosniff,
 * a same-origin referrer, and HSTS once the store is served over https.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { isHttps } from './client-ip.js'
import type { AppEnv } from './env.js'

const HSTS = 'max-age=31536000; includeSubDomains'

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Inline style attributes (dev mailbox, API reference) are harmless without inline script.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const headers = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    // CORP 'cross-origin': /tollgate.js and the JSON API are meant to be used from other sites.
    crossOriginResourcePolicy: 'cross-origin',
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    strictTransportSecurity: false,
  })
  return async function securityHeadersMiddleware(c, next) {
    await headers(c, next)
    if (servedOverHttps(c)) c.res.headers.set('Strict-Transport-Security', HSTS)
  }
}

/** The request came over https, or the store's public address is https (a proxy terminates TLS). */
export function servedOverHttps(c: Context<AppEnv>): boolean {
  return isHttps(c) || (c.get('deps')?.config.publicUrl.startsWith('https:') ?? false)
}
