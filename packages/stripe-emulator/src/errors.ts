/**
 * Stripe's error envelope. Every failure the emulator answers is a `StripeError`, rendered as
 * `{ error: { type, code?, param?, message, ... } }` with Stripe's status code.
 * @module
 */

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

export function invalidRequest(message: string, code?: string, param?: string, status = 400): StripeError {
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

export function invalidParam(param: string, message: string, code = 'parameter_invalid'): StripeError {
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
  code: string,
  extra: { decline_code?: string; [key: string]: unknown } = {},
): StripeError {
  return new StripeError(402, { type: 'card_error', message, code, ...extra })
}

export function toErrorResponseBody(err: StripeError): { error: StripeErrorBody } {
  return { error: err.body }
}
