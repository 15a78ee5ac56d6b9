/**
 * One error class for every expected failure, with its codes in one table. Modules add their
 * codes to `ERROR_CODES` (one line each); `app.onError` turns an AppError into the JSON envelope
 * or the HTML error page.
 * @module
 */

type CodeEntry = {
  readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 502 | 503
  readonly message: string
}

function defineErrorCodes<const T extends Record<Uppercase<string>, CodeEntry>>(codes: T): T {
  for (const key of Object.keys(codes)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(key)) throw new Error(`Error code ${key} must be UPPER_SNAKE`)
  }
  return codes
}

export const ERROR_CODES = defineErrorCodes({
  // Foundation
  INVALID_REQUEST: { status: 422, message: 'The request is invalid.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  UNAUTHORIZED: { status: 401, message: 'Please sign in.' },
  FORBIDDEN: { status: 403, message: 'You do not have access to this.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as JSON (Content-Type: application/json).' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Please wait a moment and try again.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  STRIPE_UNAVAILABLE: {
    status: 502,
    message: 'The payment provider could not be reached. Please try again.',
  },
  STRIPE_REFUSED: {
    status: 409,
    message: 'Stripe refused this request; nothing was changed.',
  },
  // Catalog
  PRICE_NOT_FOUND: { status: 400, message: 'Unknown price.' },
  PRODUCT_NOT_FOUND: { status: 404, message: 'Unknown product.' },
  // Purchases: customers, checkout, webhooks, delivery (APP-PURCHASE)
  INVALID_LOGIN: { status: 401, message: 'That email and access token do not match.' },
  SIGN_IN_LINK_INVALID: { status: 410, message: 'This sign-in link has expired or was already used.' },
  ALREADY_OWNED: { status: 409, message: 'You already own this. It is in your library.' },
  PRICE_NOT_ONE_TIME: {
    status: 400,
    message: 'This price is a subscription plan; subscribe from the pricing page.',
  },
  CHECKOUT_SESSION_NOT_FOUND: { status: 404, message: 'Unknown checkout.' },
  PAYMENT_PROCESSING: {
    status: 409,
    message: 'Your payment for this is still being processed. We will email you as soon as it clears.',
  },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, message: 'The webhook signature could not be verified.' },
  WEBHOOK_PAYLOAD_INVALID: { status: 400, message: 'The signed body is not a Stripe event.' },
  WEBHOOK_SECRET_MISSING: { status: 500, message: 'No webhook signing secret is configured.' },
  FILE_NOT_FOUND: { status: 404, message: 'Unknown file.' },
  NO_ACCESS: { status: 403, message: 'Your purchases do not include this.' },
  // Subscriptions, accounts, API access (APP-SUBSCRIPTIONS)
  PRICE_NOT_RECURRING: { status: 400, message: 'This price is not a subscription plan.' },
  ALREADY_SUBSCRIBED: {
    status: 409,
    message: 'You already have a plan in this family. Change plans from Manage billing instead.',
  },
  ALREADY_SUBSCRIBED_SIGN_IN: {
    status: 409,
    message: 'This email already has a plan in this family. Sign in to see it or to change plans.',
  },
  TRIAL_ALREADY_USED: {
    status: 409,
    message:
      'You have already had a free trial, so this one is not available again. You can still subscribe, paying from today.',
  },
  PLAN_UNCHANGED: { status: 409, message: 'You are already on this plan.' },
  PLAN_CHANGE_NOT_ALLOWED: {
    status: 409,
    message: 'This subscription cannot change plans now (it has ended or its first payment is not done).',
  },
  NO_BILLING_ACCOUNT: { status: 409, message: 'There is no billing account to manage yet.' },
  INVALID_CREDENTIALS: { status: 401, message: 'That email and password do not match.' },
  PASSWORD_LINK_INVALID: { status: 410, message: 'This link has expired or was already used.' },
  API_KEY_INVALID: { status: 401, message: 'A valid API key is required (Authorization: Bearer …).' },
  CUSTOMER_NOT_FOUND: { status: 404, message: 'Unknown customer.' },
  // Integrator API (/api/v1)
  API_SCOPE_MISSING: { status: 403, message: 'This API key lacks the scope this request needs.' },
  API_INVALID_PARAMETER: { status: 400, message: 'A parameter is missing, unknown or invalid.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    message: 'This Idempotency-Key was already used with a different request body.',
  },
  ORDER_NOT_FOUND: { status: 404, message: 'Unknown order.' },
  GRANT_NOT_FOUND: { status: 404, message: 'Unknown grant.' },
  LICENSE_NOT_FOUND: { status: 404, message: 'Unknown licence key.' },
  LICENSE_NOT_VALID: { status: 403, message: 'This licence key is revoked or expired.' },
  LICENSE_ACTIVATION_LIMIT: {
    status: 403,
    message: 'This licence key has reached its activation limit; deactivate another first.',
  },
  LICENSE_ACTIVATION_NOT_FOUND: { status: 404, message: 'Unknown activation for this licence key.' },
  // Owner console and operations
  ORDER_NOT_REFUNDABLE: { status: 409, message: 'This order has nothing left to refund.' },
  REFUND_EXCEEDS_REMAINING: { status: 409, message: 'That is more than remains to be refunded.' },
  SUBSCRIPTION_NOT_FOUND: { status: 404, message: 'Unknown subscription.' },
  SUBSCRIPTION_ENDED: { status: 409, message: 'This subscription has already ended.' },
  SUBSCRIPTION_NOT_PAUSED: {
    status: 409,
    message: 'This membership is not paused, so there is nothing to resume.',
  },
  SUBSCRIPTION_NOT_CANCELING: { status: 409, message: 'This subscription is not set to cancel.' },
  PLAN_NOT_IN_FAMILY: {
    status: 409,
    message: 'That plan belongs to another family; a subscription changes only within its family.',
  },
  EVENT_NOT_FOUND: { status: 404, message: 'Unknown event.' },
  // Mail
  MAIL_TEMPLATE_NOT_FOUND: { status: 500, message: 'Unknown mail template.' },
  MAIL_NOT_FOUND: { status: 404, message: 'Unknown email.' },
  MAIL_BODY_NOT_KEPT: {
    status: 409,
    message:
      'This email was delivered or given up on, so its body was not kept (it may hold a one-time secret). Send the customer a fresh sign-in link from their page instead.',
  },
})

export type ErrorCode = keyof typeof ERROR_CODES

export type AppErrorOptions = { message?: string; details?: unknown; cause?: unknown }

export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly details?: unknown

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code].message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.status = ERROR_CODES[code].status
    this.details = options.details
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code)
}
