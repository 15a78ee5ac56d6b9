/**
 * `/api/v1`: the API for other apps, authenticated by scoped API keys (`Authorization: Bearer`),
 * validated by the Zod contracts in `contracts.ts`, described by the OpenAPI 3.1 document at
 * `/api/v1/openapi.json` generated from them, with a reference page at `/api/v1/docs`.
 * @module
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../http/env.js'
import { asDocument } from '../../http/security-headers.js'
import { AppError } from '../../lib/errors.js'
import { renderHtml } from '../../web/render.js'
import { vetApiPlanCheckout } from '../billing/index.js'
import { startApiCheckout } from '../checkout/index.js'
import { findCustomer, listCustomers } from '../customers/index.js'
import { findGrant, listEntitlements, revokeGrant } from '../entitlements/index.js'
import { syncCustomerLicenses } from '../licenses/index.js'
import { grantManually } from '../members/index.js'
import { findOrder } from '../orders/index.js'
import { toApiCheckoutInput } from './checkout-input.js'
import {
  createCheckoutSessionRoute,
  createGrantRoute,
  deleteGrantRoute,
  getOrderRoute,
  listCustomersRoute,
  listEntitlementsRoute,
} from './contracts.js'
import { refuseUnknownFeature, v1ValidationHook } from './errors.js'
import { runIdempotent } from './idempotency.js'
import { licenseRoutes } from './licenses/routes.js'
import { OPENAPI_INFO } from './openapi.js'
import { customerAnswer, entitlementAnswer, grantAnswer, orderAnswer } from './read-answers.js'
import { ReferencePage } from './views.js'

function apiKeyOf(c: { get(key: 'apiKey'): AppEnv['Variables']['apiKey'] }): { id: string; name: string } {
  const key = c.get('apiKey')
  if (!key) throw new Error('requireApiKey must run before an /api/v1 handler')
  return key
}

export const apiV1Routes = new OpenAPIHono<AppEnv>({ defaultHook: v1ValidationHook })

apiV1Routes.openapi(createCheckoutSessionRoute, async (c) => {
  const deps = c.get('deps')
  const body = c.req.valid('json')
  const key = apiKeyOf(c)
  const input = toApiCheckoutInput(deps, body, key.id)
  const answer = await runIdempotent(
    deps,
    { apiKeyId: key.id, idempotencyKey: c.req.valid('header')['idempotency-key'], body },
    async (stripeKey) => {
      const started = await startApiCheckout(
        deps,
        { ...input, ...(stripeKey ? { idempotencyKey: stripeKey } : {}) },
        vetApiPlanCheckout,
      )
      return {
        id: started.id,
        url: started.url,
        expires_at: started.expiresAt.toISOString(),
        mode: started.mode,
      }
    },
  )
  return c.json(answer.body, 201)
})

apiV1Routes.openapi(getOrderRoute, async (c) => {
  const order = await findOrder(c.get('deps').db, c.req.valid('param').id)
  if (!order) throw new AppError('ORDER_NOT_FOUND')
  return c.json(orderAnswer(order), 200)
})

apiV1Routes.openapi(listCustomersRoute, async (c) => {
  const query = c.req.valid('query')
  const db = c.get('deps').db
  // As Stripe answers an unknown cursor: a page after nothing would be empty or everything.
  if (query.starting_after !== undefined && !(await findCustomer(db, query.starting_after))) {
    throw new AppError('API_INVALID_PARAMETER', {
      message: `starting_after: no customer has the id ${query.starting_after}`,
      details: { field: 'starting_after' },
    })
  }
  const page = await listCustomers(db, {
    limit: query.limit,
    ...(query.email !== undefined ? { email: query.email } : {}),
    ...(query.starting_after !== undefined ? { startingAfter: query.starting_after } : {}),
  })
  return c.json({ object: 'list' as const, data: page.data.map(customerAnswer), has_more: page.hasMore }, 200)
})

apiV1Routes.openapi(listEntitlementsRoute, async (c) => {
  const deps = c.get('deps')
  const customer = await findCustomer(deps.db, c.req.valid('param').id)
  if (!customer) throw new AppError('CUSTOMER_NOT_FOUND')
  const entitlements = await listEntitlements(deps.db, customer.id, deps.clock.now())
  return c.json(
    {
      object: 'list' as const,
      customer: { id: customer.id, email: customer.email },
      data: entitlements.map(entitlementAnswer),
      has_more: false as const,
    },
    200,
  )
})

apiV1Routes.openapi(createGrantRoute, async (c) => {
  const deps = c.get('deps')
  const body = c.req.valid('json')
  refuseUnknownFeature(deps.catalog, body.feature, 'feature')
  // A window that has already closed would be a grant that never opens (the CLI and console refuse it too).
  if (body.until && Date.parse(body.until) <= deps.clock.now().getTime()) {
    throw new AppError('API_INVALID_PARAMETER', {
      message: `until: must be in the future (now is ${deps.clock.now().toISOString()})`,
      details: { field: 'until' },
    })
  }
  const customer = body.customer_id ? await findCustomer(deps.db, body.customer_id) : undefined
  if (body.customer_id && !customer) throw new AppError('CUSTOMER_NOT_FOUND')
  const email = customer?.email ?? (body.customer_email as string)
  const key = apiKeyOf(c)
  const { grant, created } = await deps.db.transaction().execute(async (trx) => {
    const { grantId, created } = await grantManually(deps, trx, {
      email,
      feature: body.feature,
      ...(body.until ? { until: new Date(body.until) } : {}),
      reason: `API key ${key.name} (${key.id}): ${body.reason}`,
    })
    return { grant: await findGrant(trx, grantId), created }
  })
  if (!grant) throw new Error('grant vanished after insert')
  // Granting a feature the customer already holds from this source changes that grant: 200.
  return created ? c.json(grantAnswer(grant), 201) : c.json(grantAnswer(grant), 200)
})

apiV1Routes.openapi(deleteGrantRoute, async (c) => {
  const deps = c.get('deps')
  const id = c.req.valid('param').id
  const key = apiKeyOf(c)
  const grant = await deps.db.transaction().execute(async (trx) => {
    const found = await findGrant(trx, id)
    if (!found) return undefined
    const now = deps.clock.now()
    await revokeGrant(trx, { id, now, reason: `API key ${key.name} (${key.id})` })
    await syncCustomerLicenses(deps, trx, { customerId: found.customer_id, now })
    return findGrant(trx, id)
  })
  if (!grant) throw new AppError('GRANT_NOT_FOUND')
  return c.json(grantAnswer(grant), 200)
})

apiV1Routes.route('/', licenseRoutes)

apiV1Routes.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  description: 'An API key from `tollgate api-key create --scope …` (tg_live_… or tg_test_…).',
})

apiV1Routes.doc31('/api/v1/openapi.json', (c) => ({
  ...OPENAPI_INFO,
  servers: [{ url: c.get('deps').config.publicUrl }],
}))

apiV1Routes.get('/api/v1/docs', (c) => {
  // A page among JSON answers: it carries the pages' security headers, not the answers'.
  asDocument(c)
  const doc = apiV1Routes.getOpenAPI31Document({
    ...OPENAPI_INFO,
    servers: [{ url: c.get('deps').config.publicUrl }],
  })
  return c.html(renderHtml(<ReferencePage doc={doc} />))
})
