/**
 * The `/api/v1` routes as OpenAPI contracts (`createRoute`): path, method, the scope's gate, the
 * Zod schemas that validate the request and describe the answers. `routes.ts` implements them and
 * the OpenAPI document is generated from the same objects.
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { requireApiKey } from '../api-access/index.js'
import { CheckoutSessionBody, CheckoutSessionCreated } from './checkout-schema.js'
import { AUTH_ERRORS, CONFLICT, UPSTREAM } from './errors.js'

const bearer = [{ bearerAuth: [] }]

export const createCheckoutSessionRoute = createRoute({
  method: 'post',
  path: '/api/v1/checkout-sessions',
  tags: ['Checkout'],
  summary: 'Start a Checkout Session (catalog price or ad-hoc line)',
  security: bearer,
  middleware: [requireApiKey('checkout:write')] as const,
  request: {
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({
        description: 'Replays with the same key and body get the same answer; another body is refused (409).',
      }),
    }),
    body: { required: true, content: { 'application/json': { schema: CheckoutSessionBody } } },
  },
  responses: {
    201: {
      description: 'The session; send the buyer to `url`.',
      content: { 'application/json': { schema: CheckoutSessionCreated } },
    },
    ...AUTH_ERRORS,
    ...CONFLICT,
    ...UPSTREAM,
  },
})
