/**
 * Webhook endpoints: CRUD. The signing secret is returned only by create, as on Stripe; it is
 * kept hidden beside the object for the deliverer.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam, missingParam } from '../errors.js'
import { EVENT_TYPES } from '../event-types.js'
import { newId, randomString } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  nullableString,
  optBool,
  optString,
  optStringArray,
  type Params,
} from '../params.js'
import { route } from '../registry.js'
import { API_VERSION } from '../runtime.js'
import { deleteObject, getObject, hiddenOf, insertObject, listObjects } from '../state.js'

function readUrl(params: Params): string | undefined {
  const url = optString(params, 'url')
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme')
  } catch {
    throw invalidParam('url', 'Invalid URL: must be an http(s) URL.', 'url_invalid')
  }
  return url
}

/**
 * `['*']` or event types Stripe sends. Stripe has no per-resource wildcards here (`product.*` is
 * an error), and refusing them and unknown types keeps an integration from relying on something
 * Stripe would reject.
 */
function readEnabledEvents(params: Params): string[] | undefined {
  const events = optStringArray(params, 'enabled_events')
  if (events === undefined) return undefined
  if (events.length === 0) throw missingParam('enabled_events')
  events.forEach((type, i) => {
    const valid = type === '*' ? events.length === 1 : EVENT_TYPES.has(type)
    if (!valid)
      throw invalidParam(
        `enabled_events[${i}]`,
        `Invalid enabled_events[${i}]: '${type}' is not an event type.`,
      )
  })
  return events
}

/**
 * The version its events are rendered at: only the one the emulator speaks (as for the
 * `Stripe-Version` header), since another one's shapes are not modelled.
 */
function readApiVersion(params: Params): string | null {
  const version = optString(params, 'api_version')
  if (version === undefined || version === '') return null
  if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(version))
    throw invalidParam('api_version', `Invalid api_version: ${version}`)
  if (version !== API_VERSION)
    throw invalidParam(
      'api_version',
      `The Tollgate emulator models Stripe API version ${API_VERSION} only; this endpoint asked for ${version}.`,
    )
  return version
}

function createEndpoint(ctx: Ctx, params: Params): Stripe.WebhookEndpoint {
  allowOnly(params, ['url', 'enabled_events', 'api_version', 'connect', 'description', 'metadata'])
  const url = readUrl(params)
  if (!url) throw missingParam('url')
  const events = readEnabledEvents(params)
  if (!events) throw missingParam('enabled_events')
  const apiVersion = readApiVersion(params)
  const secret = `whsec_${randomString(32)}`
  const endpoint: Stripe.WebhookEndpoint = {
    id: newId('we', 24),
    object: 'webhook_endpoint',
    api_version: apiVersion,
    application: null,
    created: ctx.now(null),
    description: nullableString(params, 'description') ?? null,
    enabled_events: events,
    livemode: false,
    metadata: applyMetadata({}, params),
    status: 'enabled',
    url,
  }
  insertObject(ctx.state, endpoint)
  hiddenOf(ctx.state, endpoint.id).secret = secret
  return { ...endpoint, secret }
}

function updateEndpoint(ctx: Ctx, id: string, params: Params): Stripe.WebhookEndpoint {
  allowOnly(params, ['url', 'enabled_events', 'description', 'disabled', 'metadata'])
  const endpoint = getObject<Stripe.WebhookEndpoint>(
    ctx.state,
    'webhook_endpoint',
    id,
    'id',
    'webhook endpoint',
  )
  const url = readUrl(params)
  if (url) endpoint.url = url
  const events = readEnabledEvents(params)
  if (events) endpoint.enabled_events = events
  const disabled = optBool(params, 'disabled')
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled'
  const description = nullableString(params, 'description')
  if (description !== undefined) endpoint.description = description
  endpoint.metadata = applyMetadata(endpoint.metadata, params)
  return endpoint
}

route('post', '/v1/webhook_endpoints', (ctx, params) => createEndpoint(ctx, params))
route('get', '/v1/webhook_endpoints/:id', (ctx, _p, path) =>
  getObject(ctx.state, 'webhook_endpoint', path.id!, 'id', 'webhook endpoint'),
)
route('post', '/v1/webhook_endpoints/:id', (ctx, params, path) => updateEndpoint(ctx, path.id!, params))
route('delete', '/v1/webhook_endpoints/:id', (ctx, _p, path) => {
  const endpoint = getObject<Stripe.WebhookEndpoint>(
    ctx.state,
    'webhook_endpoint',
    path.id!,
    'id',
    'webhook endpoint',
  )
  deleteObject(ctx.state, endpoint.id)
  return { id: endpoint.id, object: 'webhook_endpoint', deleted: true }
})
route('get', '/v1/webhook_endpoints', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS])
  return paginate(listObjects(ctx.state, 'webhook_endpoint'), params, '/v1/webhook_endpoints')
})
