/**
 * Four tiers, one envelope: our AppError (logged only when ≥ 500), then Hono's HTTPException,
 * then a Stripe error no module turned into an AppError (see `stripeRefusal`), then anything else
 * (logged with stack and request id, answered 500). JSON clients get
 * `{ error: { code, message, requestId, details? } }`; browsers get the same data as a page.
 * @module
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Child } from 'hono/jsx'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { answersInJson } from '../http/answer-paths.js'
import type { AppEnv } from '../http/env.js'
import { AppError } from '../lib/errors.js'
import { isStripeError, type StripeErrorLike } from '../lib/stripe-errors.js'
import { ErrorPage } from './error-page.js'
import { renderPage } from './layout.js'
import { renderHtml } from './render.js'

export type ErrorBody = { code: string; message: string; requestId: string; details?: unknown }

export const handleError: ErrorHandler<AppEnv> = (thrown, c) => {
  const requestId = c.get('requestId') ?? 'unknown'
  const log = c.get('deps')?.log
  const err = isStripeError(thrown) ? stripeRefusal(thrown) : thrown
  if (err instanceof AppError) {
    if (err.status >= 500) log?.error({ err, requestId }, err.message)
    const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds
    if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter))
    return respond(c, err.status, { code: err.code, message: err.message, requestId, details: err.details })
  }
  if (err instanceof HTTPException) {
    // Hono's own refusals (the CSRF check's 403 carries a bare text/plain "Forbidden" response)
    // get the same envelope or page as ours: a JSON client can read them, a browser sees a page.
    const code = HTTP_REFUSALS[err.status] ?? `HTTP_${err.status}`
    keepOwnHeaders(c, err)
    return respond(c, err.status, { code, message: err.message || refusal(err.status), requestId })
  }
  log?.error({ err, requestId }, 'unhandled error')
  return respond(c, 500, { code: 'INTERNAL', message: 'Something went wrong on our side.', requestId })
}

/**
 * Hono's refusals by status, under the codes our own errors use for the same thing (a body that is
 * not JSON, basic auth's 401, the CSRF check's 403), so a client reads one set of codes.
 */
const HTTP_REFUSALS: Partial<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
}

/**
 * The headers a refusal's own response carries (basic auth's `WWW-Authenticate`, a limiter's
 * `Retry-After`) go on the envelope or page that replaces it: they tell the client what to do
 * next. Its body's type and length do not: the answer has its own.
 */
function keepOwnHeaders(c: Context<AppEnv>, err: HTTPException): void {
  if (!err.res) return
  for (const [name, value] of err.res.headers)
    if (name !== 'content-type' && name !== 'content-length') c.header(name, value, { append: true })
}

/** What a refusal of Hono's without a message of its own says (its only 403 is the CSRF check). */
function refusal(status: number): string {
  return status === 403
    ? "Refused: the request did not come from this store's own pages. Reload the page and try again."
    : 'Request refused.'
}

/**
 * Stripe turning down what we asked (a refund of a charge refunded meanwhile, an idempotency key
 * reused with other parameters, a declined card) is a 409 whose message is Stripe's own — its
 * messages are written for people and carry no secrets. Stripe unreachable, failing or refusing
 * our key is a 502: the buyer or owner can only try again, and it is logged for the operator.
 */
function stripeRefusal(err: StripeErrorLike): AppError {
  const refused =
    ['StripeInvalidRequestError', 'StripeCardError', 'StripeIdempotencyError'].includes(err.type) &&
    err.statusCode !== undefined &&
    err.statusCode >= 400 &&
    err.statusCode < 500 &&
    err.statusCode !== 401 &&
    err.statusCode !== 403
  if (refused) {
    return new AppError('STRIPE_REFUSED', {
      message: `Stripe refused this request: ${err.message}`,
      cause: err,
    })
  }
  return new AppError('STRIPE_UNAVAILABLE', { cause: err })
}

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  respond(c, 404, { code: 'NOT_FOUND', message: 'Not found.', requestId: c.get('requestId') ?? 'unknown' })

/** JSON for API paths and clients that ask for JSON; HTML for everything else. */
export function wantsJSON(c: Context): boolean {
  if (answersInJson(c.req.path)) return true
  const accept = c.req.header('accept') ?? ''
  if (accept.includes('text/html')) return false
  return (
    accept.includes('application/json') || (c.req.header('content-type') ?? '').includes('application/json')
  )
}

/**
 * A refusal a form answers in words on a page of its own (a wrong password, something already
 * owned): for a browser that page, with the error's status; for a client asking for JSON the
 * error itself, thrown to the envelope every other refusal gets.
 */
export function refusalPage(
  c: Context<AppEnv>,
  err: AppError,
  title: string,
  page: Child,
): Response | Promise<Response> {
  if (wantsJSON(c)) throw err
  return renderPage(c, { title, status: err.status }, page)
}

function respond(c: Context<AppEnv>, status: number, body: ErrorBody): Response | Promise<Response> {
  const code = status as ContentfulStatusCode
  if (wantsJSON(c)) return c.json({ error: body }, code)
  return c.html(renderHtml(<ErrorPage c={c} status={status} error={body} />), code)
}
