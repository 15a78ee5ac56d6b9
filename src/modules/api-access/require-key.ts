/**
 * `requireApiKey('orders:read')`: the gate in front of every `/api/v1` route. A missing or unknown
 * key is 401 (and counts against the caller's address, so keys cannot be guessed at speed); a key
 * without the scope is 403; each key has its own per-minute budget.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { clientIp } from '../../http/client-ip.js'
import type { AppEnv } from '../../http/env.js'
import { enforceRateLimit, type RateLimit } from '../../http/rate-limit.js'
import { AppError } from '../../lib/errors.js'
import { type ApiKey, type ApiScope, verifyApiKey } from './api-keys.js'

/** Wrong keys per client address per 15 minutes before it is refused outright. */
export const BAD_KEY_LIMIT: RateLimit = { limit: 20, windowSeconds: 900 }

/** The key presented as `Authorization: Bearer …`, checked and counted; throws 401 or 429. */
export async function authenticateApiKey(c: Context<AppEnv>): Promise<ApiKey> {
  const deps = c.get('deps')
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? ''
  const key = presented ? await verifyApiKey(deps.db, presented, deps.clock.now()) : undefined
  if (!key) {
    await enforceRateLimit(deps, `api:badkey:${clientIp(c)}`, BAD_KEY_LIMIT)
    throw new AppError('API_KEY_INVALID')
  }
  await enforceRateLimit(deps, `api:key:${key.id}`, {
    limit: key.ratePerMinute,
    windowSeconds: 60,
  })
  return key
}

export function requireApiKey(scope: ApiScope): MiddlewareHandler<AppEnv> {
  return async function requireApiKeyMiddleware(c, next) {
    const key = await authenticateApiKey(c)
    if (!key.scopes?.includes(scope)) {
      throw new AppError('API_SCOPE_MISSING', { details: { required: scope, granted: key.scopes ?? [] } })
    }
    c.set('apiKey', { id: key.id, name: key.name, scopes: key.scopes })
    await next()
  }
}
