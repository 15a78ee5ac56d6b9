/**
 * `/api/v1/licenses/*`: the public licence checks (see license-contracts.ts). Each request counts
 * against its client address and key (`LICENSE_LIMIT`), so one app cannot hammer a key and a
 * guesser gets nowhere.
 * @module
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { clientIp } from '../../../http/client-ip.js'
import type { AppEnv } from '../../../http/env.js'
import { enforceRateLimit, type RateLimit } from '../../../http/rate-limit.js'
import { hashToken } from '../../../lib/tokens.js'
import {
  activateLicense,
  activationAnswer,
  deactivateLicense,
  licenseAnswer,
  validateLicense,
} from '../../licenses/index.js'
import { v1ValidationHook } from '../errors.js'
import { activateLicenseRoute, deactivateLicenseRoute, validateLicenseRoute } from './contracts.js'

/** Checks per client address and key per minute. */
export const LICENSE_LIMIT: RateLimit = { limit: 30, windowSeconds: 60 }

async function limit(c: Context<AppEnv>, key: string): Promise<void> {
  const who = `${clientIp(c)}:${hashToken(key).slice(0, 32)}`
  await enforceRateLimit(c.get('deps'), `license:${who}`, LICENSE_LIMIT)
}

export const licenseRoutes = new OpenAPIHono<AppEnv>({ defaultHook: v1ValidationHook })

licenseRoutes.openapi(validateLicenseRoute, async (c) => {
  const deps = c.get('deps')
  const body = c.req.valid('json')
  await limit(c, body.key)
  const { state, activation } = await validateLicense(deps.db, {
    key: body.key,
    activationId: body.activation_id,
    now: deps.clock.now(),
  })
  c.header('Cache-Control', 'no-store')
  return c.json(
    { ...licenseAnswer(state), activation: activation ? activationAnswer(activation) : null },
    200,
  )
})

licenseRoutes.openapi(activateLicenseRoute, async (c) => {
  const deps = c.get('deps')
  const body = c.req.valid('json')
  await limit(c, body.key)
  const done = await deps.db
    .transaction()
    .execute((trx) => activateLicense(trx, { key: body.key, label: body.label, now: deps.clock.now() }))
  const answer = { ...licenseAnswer(done.state), activation: activationAnswer(done.activation) }
  return done.created ? c.json(answer, 201) : c.json(answer, 200)
})

licenseRoutes.openapi(deactivateLicenseRoute, async (c) => {
  const deps = c.get('deps')
  const body = c.req.valid('json')
  await limit(c, body.key)
  const state = await deps.db
    .transaction()
    .execute((trx) =>
      deactivateLicense(trx, { key: body.key, activationId: body.activation_id, now: deps.clock.now() }),
    )
  return c.json({ ...licenseAnswer(state), activation: null }, 200)
})
