import type { MiddlewareHandler } from 'hono'
import { newId } from '../lib/ids.js'
import type { AppEnv } from './env.js'
import { responseHeader } from './outgoing.js'

const INCOMING = /^[\w.-]{8,80}$/

/** Gives each request an id (a sane incoming X-Request-Id is kept), echoed in the response. */
export function requestId(): MiddlewareHandler<AppEnv> {
  // Not async: a layer that only passes on returns next()'s promise (one promise less per request).
  return function requestIdMiddleware(c, next) {
    const incoming = c.req.header('x-request-id')
    const id =
      incoming && INCOMING.test(incoming) ? incoming : newId('req', c.get('deps').clock.now().getTime())
    c.set('requestId', id)
    responseHeader(c, 'x-request-id', id)
    return next()
  }
}
