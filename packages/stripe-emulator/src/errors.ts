/**
 * Stripe's error envelope. Every failure the emulator answers is a `StripeError`, rendered as
 * `{ error: { type, code?, param?, message, ... } }` with Stripe's status code.
 * @module
 */
import type Stripe from 'stripe'

/** The literal members of a Stripe SDK enum (without its open `string & {}` member). */
type Literal<T> = T extends string ? (string extends T ? never : T) : never

/**
 * The codes an emulator error may carry: the API's error codes as the pinned SDK lists them, so a
 * code Stripe does not send fails the typecheck, plus the emulator's own few:
 * `parameter_unsupported` (a parameter it does not model, see README), `parameter_invalid`
 * (`invalidParam`'s default for bad values, which Stripe answers with varied codes) and
 * `invalid_iban`.
 */
export type ErrorCode =
  | Literal<Stripe.Invoice.LastFinalizationError.Code>
  | 'parameter_unsupported'
  | 'parameter_invalid'
  | 'invalid_iban'

/** A code read back from an object the emulator built (a SetupIntent's `last_setup_error`): one of its own. */
export function storedCode(code: string | null | undefined): ErrorCode | undefined {
  return (code ?? undefined) as ErrorCode | undefined
}

export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'authentication_error'
  | 'rate_limit_error'

export type StripeErrorBody = {
  type: StripeErrorType
  message: string
  code?: string
  param?: string
  decline_code?: string
  doc_url?: string
  [extra: string]: unknown
}

export class StripeError extends Error {
  readonly status: number
  readonly body: StripeErrorBody

  constructor(status: number, body: StripeErrorBody) {
    super(body.message)
    this.status = status
    this.body = body
  }
}

const DOCS = 'https://docs.stripe.com/error-codes'

export function invalidRequest(message: string, code?: ErrorCode, param?: string, status = 400): StripeError {
  return new StripeError(status, {
    type: 'invalid_request_error',
    message,
    ...(code ? { code, doc_url: `${DOCS}/${code.replaceAll('_', '-')}` } : {}),
    ...(param ? { param } : {}),
  })
}

export function missingParam(param: string): StripeError {
  return invalidRequest(`Missing required param: ${param}.`, 'parameter_missing', param)
}

export function unknownParam(param: string): StripeError {
  return invalidRequest(`Received unknown parameter: ${param}`, 'parameter_unknown', param)
}

/** A parameter Stripe accepts that the emulator does not model (here, or with this value). */
export function unsupportedParam(param: string, detail = ''): StripeError {
  return invalidRequest(
    `The Tollgate emulator does not support ${param}${detail ? ` ${detail}` : ''}; it refuses it rather than ignore it.`,
    'parameter_unsupported',
    param,
  )
}

export function invalidParam(
  param: string,
  message: string,
  code: ErrorCode = 'parameter_invalid',
): StripeError {
  return invalidRequest(message, code, param)
}

/**
 * `No such customer: 'cus_x'`, with the param that referred to it. As on Stripe, the object the
 * URL names (`id`) is a 404; one a parameter refers to (`customer`, `items[0][price]`) is a 400.
 */
export function noSuch(kind: string, id: string, param = 'id'): StripeError {
  return invalidRequest(`No such ${kind}: '${id}'`, 'resource_missing', param, param === 'id' ? 404 : 400)
}

export function unrecognizedURL(method: string, path: string): StripeError {
  return new StripeError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://docs.stripe.com or we can help at https://support.stripe.com/.`,
  })
}

export function cardError(
  message: string,
  code: ErrorCode,
  extra: { decline_code?: string; [key: string]: unknown } = {},
): StripeError {
  return new StripeError(402, { type: 'card_error', message, code, ...extra })
}

export function toErrorResponseBody(err: StripeError): { error: StripeErrorBody } {
  return { error: err.body }
}
