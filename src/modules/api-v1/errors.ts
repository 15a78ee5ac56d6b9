/**
 * The `/api/v1` validation hook and the error envelope's schema. A Zod failure becomes one
 * AppError('API_INVALID_PARAMETER') (400) whose message and `details.field` name the first bad
 * field, unknown fields included, so nothing is silently dropped.
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

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'API_INVALID_PARAMETER' }),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error')

const json = { 'application/json': { schema: ErrorEnvelope } }

/** An error answer whose `code` is one of `codes`: the document lists what a client may meet. */
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

/** The error answers every authenticated route can give. */
export const AUTH_ERRORS = {
  400: {
    description: 'A parameter is missing, unknown or invalid (`details.field` names it).',
    content: json,
  },
  401: { description: 'Missing or unknown API key.', content: json },
  403: { description: 'The key lacks the scope.', content: json },
  429: { description: 'Too many requests for this key.', content: json },
} as const

export const NOT_FOUND = { 404: { description: 'Not found.', content: json } } as const
export const CHECKOUT_CONFLICT = {
  409: errorAnswer(
    '`IDEMPOTENCY_KEY_REUSED`: the Idempotency-Key was used with another body. `ALREADY_SUBSCRIBED`: the ' +
      'customer (by id or email) already has a plan of this family; a second would bill twice. ' +
      '`TRIAL_ALREADY_USED`: the customer has had a free trial; send `skip_trial: true` to subscribe paying from today.',
    ['IDEMPOTENCY_KEY_REUSED', 'ALREADY_SUBSCRIBED', 'TRIAL_ALREADY_USED'],
  ),
} as const
export const UPSTREAM = { 502: { description: 'Stripe could not be reached.', content: json } } as const
