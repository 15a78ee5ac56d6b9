/**
 * The emulator's HTTP surface: `/v1/*` behind API-key auth with Stripe's wire format, error
 * envelope, idempotency and expansion; hosted pages; and the `/_emulator/*` control endpoints.
 * @module
 */
import { type Context, Hono } from 'hono'
import type { Handler } from './context.js'
import { type Control, controlRoutes } from './control.js'
import { invalidRequest, StripeError, toErrorResponseBody, unrecognizedURL } from './errors.js'
import { applyExpand, expandPaths } from './expand.js'
import { beginIdempotent } from './idempotency.js'
import { randomString } from './ids.js'
import { decodeParams, jsonToParams, type Params } from './params.js'
import { allPages, allRoutes } from './registry.js'
import { API_VERSION, type Runtime, runWork } from './runtime.js'
import './resources/index.js'

function requestId(): string {
  return `req_${randomString(14)}`
}

function errorResponse(c: Context, err: StripeError): Response {
  return c.json(toErrorResponseBody(err), err.status as 400)
}

function apiKeyFrom(header: string | undefined): string | null {
  if (!header) return null
  const [scheme, value = ''] = header.split(' ', 2)
  if (scheme?.toLowerCase() === 'bearer') return value.trim()
  if (scheme?.toLowerCase() === 'basic') {
    // curl -u sk_test_…: and some CLIs send the key as the Basic username.
    return Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? null
  }
  return null
}

function checkApiKey(header: string | undefined): void {
  const key = apiKeyFrom(header)
  if (!key) {
    throw new StripeError(401, {
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    })
  }
  if (!/^(sk|rk)_test_[A-Za-z0-9_]{4,}$/.test(key)) {
    throw new StripeError(401, {
      type: 'invalid_request_error',
      message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`,
    })
  }
}

/**
 * `Stripe-Version`: absent means the account's version (the one modelled). A malformed one is
 * refused as Stripe refuses it; a real but older (or newer) version is refused too, naming the one
 * the emulator models, because answering it with this version's shapes would be a silent lie.
 */
function checkVersion(header: string | undefined): void {
  if (header === undefined) return
  const version = header.trim()
  if (version === API_VERSION) return
  if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(version)) {
    throw invalidRequest(`Invalid Stripe API version: ${version}`)
  }
  throw invalidRequest(
    `The Tollgate emulator models Stripe API version ${API_VERSION} only; this request asked for ${version}. ` +
      `Send Stripe-Version: ${API_VERSION} (or no Stripe-Version header).`,
  )
}

async function readParams(c: Context): Promise<{ params: Params; raw: string }> {
  const url = new URL(c.req.url)
  const query = [...url.searchParams.entries()]
  if (c.req.method !== 'POST') return { params: decodeParams(query), raw: url.search }
  const raw = await c.req.text()
  if ((c.req.header('content-type') ?? '').includes('application/json') && raw.trim() !== '') {
    try {
      return { params: jsonToParams(JSON.parse(raw)) as Params, raw }
    } catch {
      throw invalidRequest('Invalid JSON body.')
    }
  }
  return { params: decodeParams([...query, ...new URLSearchParams(raw).entries()]), raw }
}

async function handleApi(c: Context, rt: Runtime, handler: Handler): Promise<Response> {
  const reqId = requestId()
  c.header('Request-Id', reqId)
  c.header('Stripe-Version', c.req.header('stripe-version') ?? API_VERSION)
  try {
    checkApiKey(c.req.header('authorization'))
    checkVersion(c.req.header('stripe-version'))
    refuseIfRateLimited(rt)
    const { params, raw } = await readParams(c)
    const key = c.req.method === 'POST' ? (c.req.header('idempotency-key') ?? null) : null
    if (key === null) return await execute(c, rt, handler, params, reqId, null)
    c.header('Idempotency-Key', key)
    const outcome = beginIdempotent(rt.state, key, c.req.method, new URL(c.req.url).pathname, raw)
    if ('replay' in outcome) {
      c.header('Idempotent-Replayed', 'true')
      c.header('Original-Request', outcome.replay.requestId)
      return c.body(outcome.replay.body, outcome.replay.status as 200, { 'content-type': 'application/json' })
    }
    let response: Response | undefined
    try {
      response = await execute(c, rt, handler, params, reqId, key)
      return response
    } finally {
      const body = response ? await response.clone().text() : ''
      const saved =
        response && isSaved(response.status, body)
          ? { method: c.req.method, path: new URL(c.req.url).pathname, fingerprint: raw }
          : undefined
      outcome.release(
        saved && response
          ? { ...saved, status: response.status, body, requestId: reqId, savedAt: Date.now() }
          : undefined,
      )
    }
  } catch (err) {
    return errorResponse(c, toStripeError(err, rt))
  }
}

/** The `rateLimit` fault: Stripe's 429 body, which stripe-node raises as StripeRateLimitError. */
function refuseIfRateLimited(rt: Runtime): void {
  const faults = rt.deliverer.faults
  if (faults.rateLimit <= 0) return
  faults.rateLimit--
  throw new StripeError(429, {
    type: 'invalid_request_error',
    code: 'rate_limit',
    message:
      'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
  })
}

/** Results are saved once the endpoint executed: not 429s, and not parameter validation failures. */
function isSaved(status: number, body: string): boolean {
  if (status === 429) return false
  if (status !== 400) return true
  return !/"code":\s*"parameter_/.test(body)
}

async function execute(
  c: Context,
  rt: Runtime,
  handler: Handler,
  params: Params,
  reqId: string,
  key: string | null,
): Promise<Response> {
  try {
    const result = await runWork(
      rt,
      async (ctx) => {
        const value = await handler(ctx, params, c.req.param() as Record<string, string>)
        return applyExpand(ctx, value, expandPaths(params), params)
      },
      { requestId: reqId, idempotencyKey: key },
    )
    return c.json(result as object)
  } catch (err) {
    return errorResponse(c, toStripeError(err, rt))
  }
}

function toStripeError(err: unknown, rt: Runtime): StripeError {
  if (err instanceof StripeError) return err
  rt.options.log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  return new StripeError(500, { type: 'api_error', message: 'An unknown error occurred in the emulator.' })
}

export function createEmulatorApp(rt: Runtime, control: Control): Hono {
  const app = new Hono()
  app.route('/_emulator', controlRoutes(control))
  for (const p of allPages()) {
    app.on(p.method.toUpperCase(), p.path, (c) => runWork(rt, (ctx) => p.handler(c, ctx)))
  }
  for (const r of allRoutes()) {
    app.on(r.method.toUpperCase(), r.path, (c) => handleApi(c, rt, r.handler))
  }
  app.get('/', (c) => c.text('Tollgate Stripe emulator (test mode). API at /v1, control at /_emulator.\n'))
  app.notFound((c) => {
    const reqId = requestId()
    c.header('Request-Id', reqId)
    return errorResponse(c, unrecognizedURL(c.req.method, new URL(c.req.url).pathname))
  })
  app.onError((err, c) => errorResponse(c, toStripeError(err, rt)))
  return app
}
