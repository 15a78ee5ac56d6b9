/**
 * Recognising the Stripe SDK's errors without loading the SDK: the app loads `stripe` only when it
 * first calls Stripe (deps.ts), and a client may come from either of the SDK's builds (ESM in
 * tests, CommonJS in the app), whose error classes differ. Every SDK error carries its class name
 * in `type` (`StripeInvalidRequestError`, …), which is what Stripe's own docs switch on.
 * @module
 */

export type StripeErrorLike = Error & { type: string; statusCode?: number }

export function isStripeError(err: unknown): err is StripeErrorLike {
  const type = (err as { type?: unknown } | null)?.type
  return err instanceof Error && typeof type === 'string' && type.startsWith('Stripe')
}

export function isStripeInvalidRequest(err: unknown): err is StripeErrorLike {
  return isStripeError(err) && err.type === 'StripeInvalidRequestError'
}
