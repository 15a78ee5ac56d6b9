/**
 * The parameters Stripe accepts on each endpoint the emulator serves, read from the pinned stripe
 * SDK's types (`stripe-params.json`, written by scripts/stripe-params.mjs, kept fresh by a test).
 * Handlers list what they model with `allowOnly`; a name they refuse that Stripe does accept is
 * answered as unsupported here rather than "unknown", so a client learns the emulator is the gap.
 * @module
 */
import { readFileSync } from 'node:fs'
import { invalidRequest, StripeError } from './errors.js'

const PARAMS = JSON.parse(readFileSync(new URL('./stripe-params.json', import.meta.url), 'utf8')) as Record<
  string,
  string[]
>

/** The SDK's top-level parameter names for `method path` (as registered), if the endpoint is listed. */
export function sdkParams(method: string, path: string): readonly string[] | undefined {
  return PARAMS[`${method.toLowerCase()} ${path}`]
}

/** Every endpoint the list covers, as `method path`. */
export function listedEndpoints(): string[] {
  return Object.keys(PARAMS)
}

/**
 * Turns a handler's `parameter_unknown` for a top-level name Stripe knows on this endpoint into
 * `parameter_unsupported`, naming it; other errors pass through unchanged.
 */
export function explainRefusal(err: unknown, method: string, path: string): unknown {
  if (!(err instanceof StripeError) || err.body.code !== 'parameter_unknown') return err
  const param = err.body.param
  if (!param || param.includes('[')) return err
  if (!sdkParams(method, path)?.includes(param)) return err
  return invalidRequest(
    `The Tollgate emulator does not support the parameter ${param} on ${method.toUpperCase()} ${path} ` +
      '(Stripe accepts it; the emulator refuses it rather than ignore it).',
    'parameter_unsupported',
    param,
  )
}
