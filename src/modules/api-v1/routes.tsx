/**
 * `/api/v1`: the API for other apps, authenticated by scoped API keys (`Authorization: Bearer`),
 * validated by the Zod contracts in `contracts.ts`, described by the OpenAPI 3.1 document at
 * `/api/v1/openapi.json` generated from them, with a reference page at `/api/v1/docs`.
 * @module
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../http/env.js'
import { startApiCheckout } from '../checkout/index.js'
import { toApiCheckoutInput } from './checkout-input.js'
import { createCheckoutSessionRoute } from './contracts.js'
import { v1ValidationHook } from './errors.js'
import { runIdempotent } from './idempotency.js'
import { OPENAPI_INFO } from './openapi.js'
import { ReferencePage } from './views.js'

function apiKeyOf(c: { get(key: 'apiKey'): AppEnv['Variables']['apiKey'] }): { id: string } {
  const key = c.get('apiKey')
  if (!key) throw new Error('requireApiKey must run before an /api/v1 handler')
  return key
}

export const apiV1Routes = new OpenAPIHono<AppEnv>({ defaultHook: v1ValidationHook })

apiV1Routes.openapi(createCheckoutSessionRoute, async (c) => {
  const deps = c.get('deps')
  const body = c.req.valid('json')
  const key = apiKeyOf(c)
  const input = toApiCheckoutInput(deps.config, body, key.id)
  const answer = await runIdempotent(
    deps,
    { apiKeyId: key.id, idempotencyKey: c.req.valid('header')['idempotency-key'], body },
    async (stripeKey) => {
      const started = await startApiCheckout(deps, {
        ...input,
        ...(stripeKey ? { idempotencyKey: stripeKey } : {}),
      })
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
  const doc = apiV1Routes.getOpenAPI31Document({
    ...OPENAPI_INFO,
    servers: [{ url: c.get('deps').config.publicUrl }],
  })
  return c.html(<ReferencePage doc={doc} />)
})
