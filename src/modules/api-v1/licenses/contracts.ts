/**
 * The public licence routes as OpenAPI contracts: `POST /api/v1/licenses/validate|activate|
 * deactivate`. No API key: the licence key is the credential (as Polar and Lemon Squeezy do, so a
 * desktop app can call them without a secret of the shop). Each is rate-limited per client address
 * and key.
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { ErrorEnvelope } from '../errors.js'

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

const json = <T>(schema: T) => ({ 'application/json': { schema } })
const error = (description: string) => ({ description, content: json(ErrorEnvelope) })

const ERRORS = {
  400: error('A parameter is missing, unknown or invalid (`details.field` names it).'),
  404: error('Unknown licence key (or activation).'),
  429: error('Too many requests for this key from this address.'),
} as const

export const validateLicenseRoute = createRoute({
  method: 'post',
  path: '/api/v1/licenses/validate',
  tags: ['Licences'],
  summary: 'Validate a licence key (public: no API key)',
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
  request: { body: { required: true, content: json(LicenseActivateBody) } },
  responses: {
    201: { description: 'Activated; keep `activation.id`.', content: json(LicenseSchema) },
    200: { description: 'Already active under this label.', content: json(LicenseSchema) },
    ...ERRORS,
    403: error('The key is revoked or expired, or its activation limit is reached.'),
  },
})

export const deactivateLicenseRoute = createRoute({
  method: 'post',
  path: '/api/v1/licenses/deactivate',
  tags: ['Licences'],
  summary: 'Deactivate a licence key on a device, freeing its place (public)',
  request: { body: { required: true, content: json(LicenseDeactivateBody) } },
  responses: {
    200: { description: 'Deactivated.', content: json(LicenseSchema) },
    ...ERRORS,
  },
})
