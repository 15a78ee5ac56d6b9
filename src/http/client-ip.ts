/**
 * Who is asking, as far as we can tell: the client's address (for rate-limit keys and logs) and
 * whether the request came over https. Forwarded headers are believed only with TRUST_PROXY=true,
 * i.e. when a proxy in front sets them; otherwise anyone could pick their own rate-limit key.
 * @module
 */
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import type { AppEnv } from './env.js'

/** The socket's address, or with TRUST_PROXY the address our proxy saw (last X-Forwarded-For entry). */
export function clientIp(c: Context<AppEnv>): string {
  if (c.get('deps')?.config.trustProxy) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim())
    const last = forwarded.at(-1)
    if (last) return last
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown' // in-memory requests (tests) have no socket
  }
}

/** Whether the buyer's browser talks https to us: the request itself, or with TRUST_PROXY the proxy's word. */
export function isHttps(c: Context<AppEnv>): boolean {
  if (c.get('deps')?.config.trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
    if (proto) return proto === 'https'
  }
  // The adapter builds the URL from the socket: a scheme check, not a URL parse per request.
  return c.req.url.startsWith('https:')
}
