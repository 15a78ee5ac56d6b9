/**
 * For other apps: `GET /api/me/entitlements` (session), `POST /api/token` (session → short-lived
 * signed JWT), `GET /.well-known/jwks.json`, `GET /api/customers/:email/entitlements` (API key as
 * `Authorization: Bearer`). Everything answers from local state; all are rate-limited.
 * @module
 */
import { type Context, Hono } from 'hono'
import type { AppEnv } from '../../http/env.js'
import { responseHeader } from '../../http/outgoing.js'
import { enforceRateLimit, type RateLimit } from '../../http/rate-limit.js'
import { requireCustomer } from '../../http/session.js'
import { AppError } from '../../lib/errors.js'
import { findCustomerForEmail } from '../customers/index.js'
import { entitlementsJson, listEntitlements, listEntitlementsNow } from '../entitlements/index.js'
import { licenseSigningKids } from '../licenses/index.js'
import { issueEntitlementToken } from './access-tokens.js'
import { authenticateApiKey } from './require-key.js'
import { publicJwks } from '../signing/index.js'

export const API_LIMITS = {
  session: { limit: 120, windowSeconds: 60 },
} satisfies Record<string, RateLimit>

function limit(c: Context<AppEnv>, key: string, rule: RateLimit): Promise<void> {
  return enforceRateLimit(c.get('deps'), `api:${key}`, rule)
}

export const apiAccessRoutes = new Hono<AppEnv>()
  .get('/api/me/entitlements', async (c) => {
    const customer = requireCustomer(c)
    await limit(c, `me:${customer.id}`, API_LIMITS.session)
    const deps = c.get('deps')
    // Not awaited when already at hand (the customer's grants cached): a microtask turn saved.
    const found = listEntitlementsNow(deps.db, customer.id, deps.clock.now())
    const entitlements = found instanceof Promise ? await found : found
    responseHeader(c, 'cache-control', 'private, no-store')
    // c.json's text, with the entitlements' part kept from the last answer (entitlementsJson).
    const who = JSON.stringify({ id: customer.id, email: customer.email })
    return c.body(`{"customer":${who},"entitlements":${entitlementsJson(entitlements)}}`, 200, {
      'content-type': 'application/json',
    })
  })
  .post('/api/token', async (c) => {
    const customer = requireCustomer(c)
    await limit(c, `token:${customer.id}`, API_LIMITS.session)
    const deps = c.get('deps')
    const entitlements = await listEntitlements(deps.db, customer.id, deps.clock.now())
    const issued = await issueEntitlementToken(deps, customer, entitlements)
    c.header('Cache-Control', 'no-store')
    return c.json(
      {
        token: issued.token,
        expiresAt: issued.expiresAt.toISOString(),
        jwks: `${deps.config.publicUrl}/.well-known/jwks.json`,
      },
      201,
    )
  })
  .get('/.well-known/jwks.json', async (c) => {
    c.header('Cache-Control', 'public, max-age=300')
    const deps = c.get('deps')
    return c.json(await publicJwks(deps, await licenseSigningKids(deps)))
  })
  .get('/api/customers/:email/entitlements', async (c) => {
    const deps = c.get('deps')
    const key = await authenticateApiKey(c)
    // Keys from before scopes read this; a scoped key needs entitlements:read.
    if (key.scopes && !key.scopes.includes('entitlements:read')) {
      throw new AppError('API_SCOPE_MISSING', { details: { required: 'entitlements:read' } })
    }
    const customer = await findCustomerForEmail(deps.db, c.req.param('email'))
    if (!customer) throw new AppError('CUSTOMER_NOT_FOUND')
    const entitlements = await listEntitlements(deps.db, customer.id, deps.clock.now())
    return c.json({ customer: { id: customer.id, email: customer.email }, entitlements })
  })
