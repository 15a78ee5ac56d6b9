/**
 * The licence routes as OpenAPI contracts. Public: `POST /api/v1/licenses/validate|activate|
 * deactivate`, with no API key: the licence key is the credential (as Polar and Lemon Squeezy do,
 * so a desktop app can call them without a secret of the shop), rate-limited per client address
 * and key. For integrators, behind scoped API keys: read a licence (`entitlements:read`, as
 * licences follow entitlements) and revoke one on its own (`licenses:write`).
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { requireApiKey } from '../../api-access/index.js'
import { AUTH_ERRORS, BODY_ERRORS, errorAnswer, INVALID, notFound } from '../errors.js'
import { readJsonBody } from '../json-body.js'
import { IdParam } from '../read-schemas.js'

const LicenseKeyField = z.string().min(16).max(4000).openapi({
  description: 'The licence key as the buyer received it (a compact JWS).',
  example: 'eyJhbGciOiJFZERTQSIsImtpZCI6…',
})
const ActivationId = z
  .string()
  .regex(/^lac_\w+$/)
  .openapi({ example: 'lac_01jd8x' })

export const LicenseValidateBody = z
  .strictObject({
    key: LicenseKeyField,
    activation_id: ActivationId.optional().openapi({
      description: 'Also check that this activation belongs to the key (404 if not).',
    }),
  })
  .openapi('LicenseValidate')

export const LicenseActivateBody = z
  .strictObject({
    key: LicenseKeyField,
    label: z.string().trim().min(1).max(200).openapi({
      description: 'Names the device or install; the same label again gets the same activation.',
      example: 'Ada’s MacBook',
    }),
  })
  .openapi('LicenseActivate')

export const LicenseDeactivateBody = z
  .strictObject({ key: LicenseKeyField, activation_id: ActivationId })
  .openapi('LicenseDeactivate')

const Activation = z
  .object({
    object: z.literal('license_activation'),
    id: z.string(),
    label: z.string(),
    created_at: z.string(),
  })
  .openapi('LicenseActivation')

export const LicenseSchema = z
  .object({
    object: z.literal('license_key'),
    id: z.string().openapi({ example: 'lic_01jd8x' }),
    valid: z.boolean().openapi({ description: 'True while the grant it follows is in force.' }),
    status: z.enum(['granted', 'expired', 'revoked']),
    feature: z.string(),
    customer_id: z.string(),
    expires_at: z.string().nullable().openapi({ description: 'When the grant ends; null = no end.' }),
    activation_limit: z.number().int().nullable().openapi({ description: 'null = no limit.' }),
    activations: z.number().int(),
    activation: Activation.nullable().optional(),
  })
  .openapi('LicenseKey')

export const LicenseDetailSchema = LicenseSchema.omit({ activation: true })
  .extend({
    source: z.object({ type: z.enum(['order', 'subscription']), id: z.string() }),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    revoked_reason: z.string().nullable().openapi({
      description: 'Who revoked the key on its own and why; null when it follows its grant.',
    }),
    activation_list: z.array(Activation),
  })
  .openapi('LicenseKeyDetail', {
    description: 'A licence key as integrators see it. Never the key itself: the buyer has it.',
  })

export const LicenseDetailList = z
  .object({
    object: z.literal('list'),
    customer: z.object({ id: z.string(), email: z.email() }),
    data: z.array(LicenseDetailSchema),
    has_more: z.literal(false),
  })
  .openapi('LicenseKeyList')

export const LicenseRevokeBody = z
  .strictObject({
    reason: z.string().trim().min(1).max(200).openapi({
      description: 'Why (kept on the key and in its answers).',
      example: 'key posted on a forum',
    }),
  })
  .openapi('LicenseRevoke')

const json = <T>(schema: T) => ({ 'application/json': { schema } })
/** The answers of the public checks, which read a JSON body and are counted per address and key. */
const ERRORS = {
  ...INVALID,
  ...notFound('Unknown licence key (or activation).', 'LICENSE_NOT_FOUND', 'LICENSE_ACTIVATION_NOT_FOUND'),
  429: errorAnswer('Too many requests for this key from this address.', ['RATE_LIMITED']),
  ...BODY_ERRORS,
} as const

export const validateLicenseRoute = createRoute({
  method: 'post',
  path: '/api/v1/licenses/validate',
  tags: ['Licences'],
  summary: 'Validate a licence key (public: no API key)',
  middleware: [readJsonBody] as const,
  request: { body: { required: true, content: json(LicenseValidateBody) } },
  responses: {
    200: { description: 'The key and whether it is valid now.', content: json(LicenseSchema) },
    ...ERRORS,
  },
})

export const activateLicenseRoute = createRoute({
  method: 'post',
  path: '/api/v1/licenses/activate',
  tags: ['Licences'],
  summary: 'Activate a licence key on a device (public: the key is the credential)',
  middleware: [readJsonBody] as const,
  request: { body: { required: true, content: json(LicenseActivateBody) } },
  responses: {
    201: { description: 'Activated; keep `activation.id`.', content: json(LicenseSchema) },
    200: { description: 'Already active under this label.', content: json(LicenseSchema) },
    ...ERRORS,
    403: errorAnswer('The key is revoked or expired, or its activation limit is reached.', [
      'LICENSE_NOT_VALID',
      'LICENSE_ACTIVATION_LIMIT',
    ]),
  },
})

export const deactivateLicenseRoute = createRoute({
  method: 'post',
  path: '/api/v1/licenses/deactivate',
  tags: ['Licences'],
  summary: 'Deactivate a licence key on a device, freeing its place (public)',
  middleware: [readJsonBody] as const,
  request: { body: { required: true, content: json(LicenseDeactivateBody) } },
  responses: {
    200: { description: 'Deactivated.', content: json(LicenseSchema) },
    ...ERRORS,
  },
})

const bearer = [{ bearerAuth: [] }]

export const getLicenseRoute = createRoute({
  method: 'get',
  path: '/api/v1/licenses/{id}',
  tags: ['Licences'],
  summary: 'Retrieve a licence key: status, feature, customer, activations (not the key)',
  security: bearer,
  middleware: [requireApiKey('entitlements:read')] as const,
  request: { params: IdParam('lic', 'lic_01jd8x') },
  responses: {
    200: { description: 'The licence.', content: json(LicenseDetailSchema) },
    ...AUTH_ERRORS,
    ...notFound('No licence key has this id.', 'LICENSE_NOT_FOUND'),
  },
})

export const listCustomerLicensesRoute = createRoute({
  method: 'get',
  path: '/api/v1/customers/{id}/licenses',
  tags: ['Customers'],
  summary: "A customer's licence keys, oldest first (not the keys themselves)",
  security: bearer,
  middleware: [requireApiKey('entitlements:read')] as const,
  request: { params: IdParam('cu', 'cu_01jd8x') },
  responses: {
    200: { description: 'Every licence of the customer.', content: json(LicenseDetailList) },
    ...AUTH_ERRORS,
    ...notFound('No customer has this id.', 'CUSTOMER_NOT_FOUND'),
  },
})

export const revokeLicenseRoute = createRoute({
  method: 'post',
  path: '/api/v1/licenses/{id}/revoke',
  tags: ['Licences'],
  summary: 'Revoke a licence key on its own (its grant stays; the key stays revoked)',
  security: bearer,
  middleware: [requireApiKey('licenses:write'), readJsonBody] as const,
  request: {
    params: IdParam('lic', 'lic_01jd8x'),
    body: { required: true, content: json(LicenseRevokeBody) },
  },
  responses: {
    200: {
      description: 'The revoked licence (again on a repeat; the first reason is kept).',
      content: json(LicenseDetailSchema),
    },
    ...AUTH_ERRORS,
    ...notFound('No licence key has this id.', 'LICENSE_NOT_FOUND'),
    ...BODY_ERRORS,
  },
})
