/**
 * Reads the JSON body of an `/api/v1` write before its contract validates it, so a body that
 * cannot be read gets the API's own answers rather than the framework's: not JSON is 415
 * UNSUPPORTED_MEDIA_TYPE, JSON that does not parse is 400 API_INVALID_PARAMETER naming `body`.
 * The parsed body stays in the request's cache, where the contract's validator reads it.
 * @module
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../http/env.js'
import { AppError } from '../../lib/errors.js'

function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase()
}

export const readJsonBody: MiddlewareHandler<AppEnv> = async function readJsonBody(c, next) {
  const contentType = c.req.header('content-type')
  if (contentType === undefined) {
    // No body at all: the contract names the fields it requires.
    if ((await c.req.text()) === '') return next()
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      message: 'Send the body as JSON (Content-Type: application/json); it had no Content-Type.',
    })
  }
  const mediaType = mediaTypeOf(contentType)
  if (mediaType !== 'application/json') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      message: `Send the body as JSON (Content-Type: application/json), not ${mediaType || 'an empty type'}.`,
      details: { contentType: mediaType },
    })
  }
  try {
    await c.req.json()
  } catch (err) {
    throw new AppError('API_INVALID_PARAMETER', {
      message: `body: not valid JSON (${err instanceof Error ? err.message : String(err)})`,
      details: { field: 'body' },
    })
  }
  return next()
}
