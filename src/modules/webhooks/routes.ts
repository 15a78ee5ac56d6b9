/**
 * `POST /webhooks/stripe`: verify, store, acknowledge. The raw body's `Stripe-Signature` is checked
 * (signature.ts; 400 and nothing stored on failure), the body parsed once and checked to have an
 * event's envelope (400 otherwise), stored in the inbox keyed by event id (duplicates ignored) with
 * the events delivered alongside it (intake.ts), and answered 200 once that is committed. No domain
 * work happens in the request. A burst of bad signatures (a rotated secret, or someone probing)
 * alerts the owner once per window. An event of a type no handler in the map wants (most of a
 * purchase's: payment_intent.*, charge.succeeded…) is stored already handled: the inbox would only
 * have claimed it to stamp it.
 * @module
 */
import { Hono } from 'hono'
import type { AppEnv } from '../../http/env.js'
import { AppError } from '../../lib/errors.js'
import { parseEventEnvelope } from './envelope.js'
import { type EventHandlerMap, handlersFor } from './handlers.js'
import { acceptEvent } from './intake.js'
import { checkStripeSignature } from './signature.js'
import { noteBadSignature } from './signature-burst.js'

export function createWebhookRoutes(handlers: EventHandlerMap): Hono<AppEnv> {
  return new Hono<AppEnv>().post('/webhooks/stripe', async (c) => {
    const deps = c.get('deps')
    const secret = deps.config.stripeWebhookSecret
    if (!secret) throw new AppError('WEBHOOK_SECRET_MISSING')
    const payload = await c.req.text()
    const refused = checkStripeSignature(payload, c.req.header('stripe-signature') ?? '', secret)
    if (refused !== undefined) {
      deps.log.warn({ err: refused }, 'webhook signature rejected')
      await noteBadSignature(deps)
      throw new AppError('WEBHOOK_SIGNATURE_INVALID')
    }
    const event = parseEventEnvelope(parseJson(payload))
    if (!event) {
      deps.log.warn('signed webhook body is not an event')
      throw new AppError('WEBHOOK_PAYLOAD_INVALID')
    }
    const wanted = handlersFor(handlers, event.type).length > 0
    // Debug, not info: an endpoint subscribed to more than Tollgate handles (`*`) gets most of a
    // purchase's events of such types, and a line each cost about 7.6 µs of CPU (pino with its
    // redaction), an eighth of a webhook's, at the default level.
    if (!wanted) deps.log.debug({ eventId: event.id, type: event.type }, 'unhandled event type')
    const stored = await acceptEvent(deps.db, event, { payload, now: deps.clock.now(), handled: !wanted })
    return c.json({ received: true, duplicate: !stored }, 200)
  })
}

/** A signed body that is not JSON is a sender's mistake like any other non-event: undefined. */
function parseJson(payload: string): unknown {
  try {
    return JSON.parse(payload)
  } catch {
    return undefined
  }
}
