/**
 * `/api/v1/licenses/*`: the public licence checks (see contracts.ts), each counted against its
 * client address and key (`LICENSE_LIMIT`), so one app cannot hammer a key and a guesser gets
 * nowhere; and the integrator reads and revoke, behind scoped API keys.
 * @module
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { clientIp } from '../../../http/client-ip.js'
import type { AppEnv } from '../../../http/env.js'
import { enforceRateLimit, type RateLimit } from '../../../http/rate-limit.js'
import { AppError } from '../../../lib/errors.js'
import { hashToken } from '../../../lib/tokens.js'
import { findCustomer } from '../../customers/index.js'
import {
  activateLicense,
  activationAnswer,
  deactivateLicense,
  getLicense,
  licenseAnswer,
  licenseDetailAnswer,
  listLicenseStates,
  revokeLicense,
  validateLicense,
} from '../../licenses/index.js'
import { v1ValidationHook } from '../errors.js'
import {
  activateLicenseRoute,
  deactivateLicenseRoute,
  getLicenseRoute,
  listCustomerLicensesRoute,
  revokeLicenseRoute,
  validateLicenseRoute,
} from './contracts.js'

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

licenseRoutes.openapi(getLicenseRoute, async (c) => {
  const deps = c.get('deps')
  const state = await getLicense(deps.db, c.req.valid('param').id, deps.clock.now())
  return c.json(licenseDetailAnswer(state), 200)
})

licenseRoutes.openapi(listCustomerLicensesRoute, async (c) => {
  const deps = c.get('deps')
  const customer = await findCustomer(deps.db, c.req.valid('param').id)
  if (!customer) throw new AppError('CUSTOMER_NOT_FOUND')
  const states = await listLicenseStates(deps.db, customer.id, deps.clock.now())
  return c.json(
    {
      object: 'list' as const,
      customer: { id: customer.id, email: customer.email },
      data: states.map(licenseDetailAnswer),
      has_more: false as const,
    },
    200,
  )
})

licenseRoutes.openapi(revokeLicenseRoute, async (c) => {
  const deps = c.get('deps')
  const id = c.req.valid('param').id
  const key = c.get('apiKey')
  if (!key) throw new Error('requireApiKey must run before an /api/v1 handler')
  const reason = `API key ${key.name} (${key.id}): ${c.req.valid('json').reason}`
  const now = deps.clock.now()
  const done = await deps.db.transaction().execute((trx) => revokeLicense(trx, { id, reason, now }))
  // The reason on the row is the audit record; the log line tells the operator as it happens.
  if (done.changed) deps.log.info({ licenseId: id, apiKeyId: key.id }, 'licence key revoked by an integrator')
  return c.json(licenseDetailAnswer(done.state), 200)
})
