/**
 * Security headers on every response: a Content-Security-Policy that runs only our own script
 * files (no inline script: pages use /static/page.js), refuses framing, nosniff, a same-origin
 * referrer, and HSTS once the store is served over https. The set is the one Hono's
 * `secureHeaders` sends with these options, written out once at start-up; on Node it is put on the
 * socket's response in one call (http/outgoing.ts) instead of a dozen `Headers.set` per request.
 * A header a route sets itself wins over these (none of ours does).
 *
 * Answers under `/api/` and `/webhooks/` are JSON (errors too: answer-paths.ts), never a document,
 * and get the set that protects a non-document: a CSP that allows nothing (`default-src 'none'`,
 * stricter than the pages' should a browser ever render one), no framing, nosniff, the resource
 * policy, and HSTS; the rest of the page set (opener policy, referrer policy, agent cluster, DNS
 * prefetch, the legacy IE and Flash switches) only governs documents. Node validates, lowercases
 * and writes every header of every response, so the seven it would carry for nothing were about a
 * tenth of the instructions of the session API's answer. A page served under `/api/` (the API
 * reference) asks for the page set itself (`asDocument`).
 * @module
 */
import type { Context, MiddlewareHandler, Next } from 'hono'
import { answersInJson } from './answer-paths.js'
import { isHttps } from './client-ip.js'
import type { AppEnv } from './env.js'
import { nodeResponse, responseHeader } from './outgoing.js'

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

/** What every JSON answer (answer-paths.ts) carries instead (the module's comment says why). */
export const API_SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
]

// Names in lowercase, as Node keys them (`responseHeader` in http/outgoing.ts says why).
type HeaderSet = { plain: Map<string, string>; withHsts: Map<string, string> }
function headerSet(headers: ReadonlyArray<readonly [string, string]>): HeaderSet {
  const lowercased = (list: ReadonlyArray<readonly [string, string]>) =>
    new Map(list.map(([name, value]) => [name.toLowerCase(), value]))
  return {
    plain: lowercased(headers),
    withHsts: lowercased([...headers, ['Strict-Transport-Security', HSTS]]),
  }
}
const PAGE = headerSet(SECURITY_HEADERS)
const API = headerSet(API_SECURITY_HEADERS)

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return function securityHeadersMiddleware(c, next) {
    const headers = headersOf(answersInJson(c.req.path) ? API : PAGE, c)
    const outgoing = nodeResponse(c)
    if (outgoing) {
      outgoing.setHeaders(headers)
      return next()
    }
    return afterResponse(c, next, headers)
  }
}

/**
 * For a page served under `/api/` (the API reference): the pages' set, over the answers' one. Call
 * it in the handler; like any header a route sets, these win.
 */
export function asDocument(c: Context<AppEnv>): void {
  for (const [name, value] of headersOf(PAGE, c)) responseHeader(c, name, value)
}

/** The set's headers for this request: with HSTS when it is served over https. */
function headersOf(set: HeaderSet, c: Context<AppEnv>): Map<string, string> {
  return servedOverHttps(c) ? set.withHsts : set.plain
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
