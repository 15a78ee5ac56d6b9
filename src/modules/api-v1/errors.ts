/**
 * The `/api/v1` validation hook and the error answers as the document describes them, each with
 * the codes it can carry. A Zod failure becomes one AppError('API_INVALID_PARAMETER') (400) whose
 * message and `details.field` name the first bad field, unknown fields included, so nothing is
 * silently dropped.
 * @module
 */
import { z } from '@hono/zod-openapi'
import type { ZodError } from 'zod'
import { AppError, type ErrorCode } from '../../lib/errors.js'
import type { Catalog } from '../catalog/index.js'
import { knownFeatures } from '../members/index.js'

type Issue = ZodError['issues'][number]

function fieldOf(issue: Issue): string {
  const path = issue.path.map(String)
  if (issue.code === 'unrecognized_keys') return [...path, issue.keys[0] ?? ''].join('.')
  return path.join('.') || 'body'
}

function describe(issue: Issue): string {
  if (issue.code === 'unrecognized_keys') return 'unknown field'
  // A record's bad key: Zod says only "Invalid key in record"; the key schema's issue says why.
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message
  // Zod says "Invalid input: expected string, received undefined" for a field left out; the
  // final issue no longer holds the input, only these words about it.
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'is required'
  return issue.message
}

export function invalidParameter(error: ZodError): AppError {
  const issues = error.issues.map((i) => ({ field: fieldOf(i), message: describe(i) }))
  const first = issues[0] ?? { field: 'body', message: 'invalid' }
  return new AppError('API_INVALID_PARAMETER', {
    message: `${first.field}: ${first.message}`,
    details: { field: first.field, issues },
  })
}

/** A feature an integrator names (a grant, a checkout's grants) must be one the catalog has. */
export function refuseUnknownFeature(catalog: Catalog, feature: string, field: string): void {
  if (knownFeatures(catalog).includes(feature)) return
  throw new AppError('API_INVALID_PARAMETER', {
    message: `${field}: "${feature}" is not a feature of the catalog`,
    details: { field },
  })
}

/** The hook every /api/v1 route validates with. */
export function v1ValidationHook(result: { success: boolean; error?: unknown }): void {
  if (!result.success) throw invalidParameter(result.error as ZodError)
}

/**
 * An error answer in the document: the usual envelope, its `code` one of `codes`, so a client
 * knows every code a status can carry.
 */
export function errorAnswer(description: string, codes: readonly [ErrorCode, ...ErrorCode[]]) {
  const schema = z.object({
    error: z.object({
      code: z.enum(codes),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  return { description, content: { 'application/json': { schema } } }
}

export const INVALID = {
  400: errorAnswer(
    'A parameter is missing, unknown or invalid, or the body is not valid JSON (`details.field` names it).',
    ['API_INVALID_PARAMETER'],
  ),
} as const

/** The error answers every route behind an API key can give. */
export const AUTH_ERRORS = {
  ...INVALID,
  401: errorAnswer('Missing or unknown API key.', ['API_KEY_INVALID']),
  403: errorAnswer('The key lacks the scope.', ['API_SCOPE_MISSING']),
  429: errorAnswer('Too many requests for this key, or too many wrong keys from this address.', [
    'RATE_LIMITED',
  ]),
} as const

/** The error answers of a route that reads a JSON body (see json-body.ts). */
export const BODY_ERRORS = {
  413: errorAnswer('The body is larger than BODY_LIMIT_JSON (1 MiB unless set).', ['PAYLOAD_TOO_LARGE']),
  415: errorAnswer('The body is not JSON: send `Content-Type: application/json`.', [
    'UNSUPPORTED_MEDIA_TYPE',
  ]),
} as const

export function notFound(description: string, ...codes: [ErrorCode, ...ErrorCode[]]) {
  return { 404: errorAnswer(description, codes) } as const
}

export const CHECKOUT_CONFLICT = {
  409: errorAnswer(
    '`IDEMPOTENCY_KEY_REUSED`: the Idempotency-Key was used with another body. `ALREADY_SUBSCRIBED`: the ' +
      'customer (by id or email) already has a plan of this family; a second would bill twice. ' +
      '`TRIAL_ALREADY_USED`: the customer has had a free trial; send `skip_trial: true` to subscribe paying from today.',
    ['IDEMPOTENCY_KEY_REUSED', 'ALREADY_SUBSCRIBED', 'TRIAL_ALREADY_USED'],
  ),
} as const

export const UPSTREAM = {
  502: errorAnswer('Stripe could not be reached, or failed.', ['STRIPE_UNAVAILABLE']),
} as const
