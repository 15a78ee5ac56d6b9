/**
 * `/admin/webhooks`: where other apps receive Tollgate's events (Standard Webhooks). Add an
 * endpoint (its signing secret is shown once, on the answer to the form), switch one off or on
 * again, read the delivery log and send a delivery again. Every change is in the audit log,
 * without the secret.
 * @module
 */
import { type Context, Hono } from 'hono'
import * as z from 'zod'
import type { AppEnv } from '../../../http/env.js'
import { validate } from '../../../http/validate.js'
import { renderPage } from '../../../web/layout.js'
import {
  addWebhookEndpoint,
  disableWebhookEndpoint,
  enableWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  OUTBOUND_EVENTS,
  type OutboundEventType,
  redeliverWebhook,
} from '../../outbound-webhooks/index.js'
import { adminOf } from '../access.js'
import { formList } from '../api-keys/routes.js'
import { recordAudit } from '../audit.js'
import { AdminFrame } from '../views.js'
import { WebhooksPage } from './views.js'

const isEvent = (v: string): v is OutboundEventType => (OUTBOUND_EVENTS as readonly string[]).includes(v)

const EndpointForm = z.object({
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000),
  events: formList.pipe(z.array(z.string().refine((v) => v === '*' || isEvent(v), 'unknown event'))),
})

const EndpointId = z.object({ id: z.string().regex(/^whe_\w+$/) })

async function page(c: Context<AppEnv>, notice?: string, secret?: string): Promise<Response> {
  const deps = c.get('deps')
  const endpointId = c.req.query('endpoint')
  const selected = endpointId && /^whe_\w+$/.test(endpointId) ? endpointId : undefined
  const [endpoints, deliveries] = await Promise.all([
    listWebhookEndpoints(deps.db),
    listWebhookDeliveries(deps.db, { ...(selected ? { endpointId: selected } : {}), limit: 50 }),
  ])
  return renderPage(
    c,
    { title: 'Webhooks' },
    <AdminFrame title="Outbound webhooks" notice={notice ?? c.req.query('done')}>
      <WebhooksPage endpoints={endpoints} deliveries={deliveries} secret={secret} />
    </AdminFrame>,
  )
}

export const webhookRoutes = new Hono<AppEnv>()
  .get('/admin/webhooks', (c) => page(c))
  .post('/admin/webhooks', validate('form', EndpointForm), async (c) => {
    const deps = c.get('deps')
    const f = c.req.valid('form')
    const now = deps.clock.now()
    const events = f.events.length === 0 || f.events.includes('*') ? '*' : f.events.filter(isEvent)
    const added = await deps.db.transaction().execute(async (trx) => {
      const made = await addWebhookEndpoint(trx, { url: f.url, events, now })
      await recordAudit(trx, now, {
        actor: adminOf(c).email,
        action: 'webhook_endpoint.add',
        target: { type: 'webhook_endpoint', id: made.id },
        after: { url: f.url, events },
      })
      return made
    })
    // The secret is in this answer only.
    c.header('Cache-Control', 'no-store')
    return page(c, `Added ${added.id}`, added.secret)
  })
  .post('/admin/webhooks/disable', validate('form', EndpointId), async (c) => {
    const deps = c.get('deps')
    const { id } = c.req.valid('form')
    const now = deps.clock.now()
    const done = await deps.db.transaction().execute(async (trx) => {
      const before = await disableWebhookEndpoint(trx, id, now)
      if (!before) return false
      await recordAudit(trx, now, {
        actor: adminOf(c).email,
        action: 'webhook_endpoint.disable',
        target: { type: 'webhook_endpoint', id },
        before,
        after: { status: 'disabled' },
      })
      return true
    })
    if (!done) return c.notFound()
    return c.redirect(`/admin/webhooks?done=${encodeURIComponent(`Disabled ${id}`)}`, 303)
  })
  .post('/admin/webhooks/enable', validate('form', EndpointId), async (c) => {
    const deps = c.get('deps')
    const { id } = c.req.valid('form')
    const now = deps.clock.now()
    const done = await deps.db.transaction().execute(async (trx) => {
      const before = await enableWebhookEndpoint(trx, id, now)
      if (!before) return false
      await recordAudit(trx, now, {
        actor: adminOf(c).email,
        action: 'webhook_endpoint.enable',
        target: { type: 'webhook_endpoint', id },
        before,
        after: { status: 'enabled' },
      })
      return true
    })
    if (!done) return c.notFound()
    return c.redirect(`/admin/webhooks?done=${encodeURIComponent(`Enabled ${id}`)}`, 303)
  })
  .post(
    '/admin/webhooks/redeliver',
    validate('form', z.object({ id: z.string().regex(/^whd_\w+$/) })),
    async (c) => {
      const deps = c.get('deps')
      const { id } = c.req.valid('form')
      const now = deps.clock.now()
      const again = await deps.db.transaction().execute(async (trx) => {
        const made = await redeliverWebhook(trx, id, now)
        if (made) {
          await recordAudit(trx, now, {
            actor: adminOf(c).email,
            action: 'webhook_delivery.redeliver',
            target: { type: 'webhook_delivery', id },
            after: { delivery: made },
          })
        }
        return made
      })
      if (!again) return c.notFound()
      return c.redirect(`/admin/webhooks?done=${encodeURIComponent(`Queued ${again} again`)}`, 303)
    },
  )
