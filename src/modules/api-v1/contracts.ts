/**
 * The `/api/v1` routes as OpenAPI contracts (`createRoute`): path, method, the scope's gate, the
 * Zod schemas that validate the request and describe the answers. `routes.ts` implements them and
 * the OpenAPI document is generated from the same objects.
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { requireApiKey } from '../api-access/index.js'
import { CheckoutSessionBody, CheckoutSessionCreated } from './checkout-schema.js'
import { AUTH_ERRORS, BODY_ERRORS, CHECKOUT_CONFLICT, notFound, UPSTREAM } from './errors.js'
import { readJsonBody } from './json-body.js'
import {
  CustomerList,
  CustomerListQuery,
  EntitlementList,
  GrantCreate,
  GrantSchema,
  IdParam,
  OrderSchema,
} from './read-schemas.js'

const bearer = [{ bearerAuth: [] }]

export const createCheckoutSessionRoute = createRoute({
  method: 'post',
  path: '/api/v1/checkout-sessions',
  tags: ['Checkout'],
  summary: 'Start a Checkout Session (catalog price or ad-hoc line)',
  security: bearer,
  middleware: [requireApiKey('checkout:write'), readJsonBody] as const,
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
    ...notFound('No customer has this `customer_id`.', 'CUSTOMER_NOT_FOUND'),
    ...CHECKOUT_CONFLICT,
    ...BODY_ERRORS,
    ...UPSTREAM,
  },
})

const json = <T>(schema: T) => ({ 'application/json': { schema } })

export const getOrderRoute = createRoute({
  method: 'get',
  path: '/api/v1/orders/{id}',
  tags: ['Orders'],
  summary: 'Retrieve an order: amount, currency, billing address, metadata, status',
  security: bearer,
  middleware: [requireApiKey('orders:read')] as const,
  request: { params: IdParam('ord', 'ord_01jd8x') },
  responses: {
    200: { description: 'The order.', content: json(OrderSchema) },
    ...AUTH_ERRORS,
    ...notFound('No order has this id.', 'ORDER_NOT_FOUND'),
  },
})

export const listCustomersRoute = createRoute({
  method: 'get',
  path: '/api/v1/customers',
  tags: ['Customers'],
  summary: 'List customers (by email), oldest first, with cursor pagination',
  security: bearer,
  middleware: [requireApiKey('customers:read')] as const,
  request: { query: CustomerListQuery },
  responses: { 200: { description: 'A page of customers.', content: json(CustomerList) }, ...AUTH_ERRORS },
})

export const listEntitlementsRoute = createRoute({
  method: 'get',
  path: '/api/v1/customers/{id}/entitlements',
  tags: ['Customers'],
  summary: "A customer's features: allowed, why and until when (as the pages decide)",
  security: bearer,
  middleware: [requireApiKey('entitlements:read')] as const,
  request: { params: IdParam('cu', 'cu_01jd8x') },
  responses: {
    200: { description: 'Every feature the customer has held.', content: json(EntitlementList) },
    ...AUTH_ERRORS,
    ...notFound('No customer has this id.', 'CUSTOMER_NOT_FOUND'),
  },
})

export const createGrantRoute = createRoute({
  method: 'post',
  path: '/api/v1/grants',
  tags: ['Grants'],
  summary: 'Grant a catalog feature to a customer (created by email if new)',
  security: bearer,
  middleware: [requireApiKey('grants:write'), readJsonBody] as const,
  request: { body: { required: true, content: json(GrantCreate) } },
  responses: {
    200: {
      description:
        'The grant the customer already held by hand, with its window moved (or as asked already).',
      content: json(GrantSchema),
    },
    201: { description: 'The new grant.', content: json(GrantSchema) },
    ...AUTH_ERRORS,
    ...notFound('No customer has this `customer_id`.', 'CUSTOMER_NOT_FOUND'),
    ...BODY_ERRORS,
  },
})

export const deleteGrantRoute = createRoute({
  method: 'delete',
  path: '/api/v1/grants/{id}',
  tags: ['Grants'],
  summary: 'Revoke a grant (a subscription will not give it back)',
  security: bearer,
  middleware: [requireApiKey('grants:write')] as const,
  request: { params: IdParam('grt', 'grt_01jd8x') },
  responses: {
    200: { description: 'The revoked grant.', content: json(GrantSchema) },
    ...AUTH_ERRORS,
    ...notFound('No grant has this id.', 'GRANT_NOT_FOUND'),
  },
})
