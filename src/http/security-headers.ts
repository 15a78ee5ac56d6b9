/**
 * Security headers on every response: a Content-Security-Policy that runs only our own script
 * files (no inline script: pages use /static/page.js), refuses framing, nosniff, a same-origin
 * referrer, and HSTS once the store is served over https. The set is the one Hono's
 * `secureHeaders` sends with these options, written out once at start-up; on Node it is put on the
 * socket's response in one call (http/outgoing.ts) instead of a dozen `Headers.set` per request.
 * A header a route sets itself wins over these (none of ours does).
 * @module
 */
import type { Context, MiddlewareHandler, Next } from 'hono'
import { isHttps } from './client-ip.js'
import type { AppEnv } from './env.js'
import { nodeResponse } from './outgoing.js'

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

/** `defaultSrc: ["'self'"]` → `default-src 'self'`, directives joined by `; `. */
function cspText(policy: Record<string, string[]>): string {
  return Object.entries(policy)
    .map(([directive, values]) =>
      [directive.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`), ...values].join(' '),
    )
    .join('; ')
}

export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', cspText(CONTENT_SECURITY_POLICY)],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  // 'cross-origin': /tollgate.js and the JSON API are meant to be used from other sites.
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'same-origin'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'DENY'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
]

// Names in lowercase, as Node keys them (`responseHeader` in http/outgoing.ts says why).
const lowercased = (headers: ReadonlyArray<readonly [string, string]>): Map<string, string> =>
  new Map(headers.map(([name, value]) => [name.toLowerCase(), value]))
const PLAIN = lowercased(SECURITY_HEADERS)
const WITH_HSTS = lowercased([...SECURITY_HEADERS, ['Strict-Transport-Security', HSTS]])

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return function securityHeadersMiddleware(c, next) {
    const headers = servedOverHttps(c) ? WITH_HSTS : PLAIN
    const outgoing = nodeResponse(c)
    if (outgoing) {
      outgoing.setHeaders(headers)
      return next()
    }
    return afterResponse(c, next, headers)
  }
}

/** Off Node: onto the finished response, where the route did not set the header itself. */
async function afterResponse(c: Context<AppEnv>, next: Next, headers: Map<string, string>): Promise<void> {
  await next()
  const own = c.res.headers
  for (const [name, value] of headers) if (!own.has(name)) own.set(name, value)
}

/** The request came over https, or the store's public address is https (a proxy terminates TLS). */
export function servedOverHttps(c: Context<AppEnv>): boolean {
  return (c.get('deps')?.config.publicUrl.startsWith('https:') ?? false) || isHttps(c)
}
