/**
 * Request body limits, enforced while the body streams in (Hono's `bodyLimit`): a declared
 * Content-Length over the limit is refused before a byte is read, and a chunked body is cut off at
 * the limit, so an oversized upload costs us at most the limit in memory. One limit per kind of
 * body: HTML forms are small, the JSON API and Stripe's webhooks a little larger.
 *
 * A declared Content-Length is checked here from the header alone: Hono's `bodyLimit` asks
 * `c.req.raw.body` first, which makes the Node adapter build a WHATWG Request and a web stream
 * over the socket (a fifth of a webhook's cost), where the route then reads the body straight from
 * the socket. Only a body without a length (chunked) goes through `bodyLimit`'s counting reader.
 * @module
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Config } from '../config.js'
import { AppError } from '../lib/errors.js'
import type { AppEnv } from './env.js'

export type BodyLimits = Config['bodyLimits']

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/** Picks the limit by path (webhooks) or Content-Type (forms; everything else counts as JSON). */
export function limitBodies(limits: BodyLimits): MiddlewareHandler<AppEnv> {
  const refuse = (): never => {
    throw new AppError('PAYLOAD_TOO_LARGE')
  }
  const streamed = {
    form: bodyLimit({ maxSize: limits.form, onError: refuse }),
    json: bodyLimit({ maxSize: limits.json, onError: refuse }),
    webhook: bodyLimit({ maxSize: limits.webhook, onError: refuse }),
  }
  return async function limitBody(c, next) {
    // The Node adapter gives GET and HEAD no body. Decided from the method: asking `c.req.raw`
    // would build a WHATWG Request (headers, AbortSignal, URL) for every page view just to see that.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const kind = c.req.path.startsWith('/webhooks/')
      ? 'webhook'
      : FORM_TYPES.test(c.req.header('content-type') ?? '')
        ? 'form'
        : 'json'
    // Node's parser holds a body with a Content-Length to exactly that many bytes.
    const declared = c.req.header('content-length')
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(declared, 10) > limits[kind]) refuse()
      return next()
    }
    return streamed[kind](c, next)
  }
}
