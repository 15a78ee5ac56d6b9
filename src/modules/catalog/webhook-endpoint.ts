/**
 * Test mode: make sure the emulator posts webhooks to us, for the event types Tollgate handles
 * (as a live endpoint is told to by `tollgate doctor`; an endpoint on `*` costs a request on both
 * sides for each event nothing wants). The signing secret is only returned when an endpoint is
 * created, so it is kept in `<dataDir>/webhook-endpoint.json` and the endpoint is reused by URL
 * across restarts (recreated if the secret was lost; its event types brought up to date).
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type Stripe from 'stripe'

type Saved = { id: string; url: string; secret: string }

export async function ensureWebhookEndpoint(
  stripe: Stripe,
  input: { url: string; dataDir: string; events: readonly string[] },
): Promise<string> {
  const { url, dataDir } = input
  // Event type names from the handler map, which the SDK's union of names cannot check here.
  const events = [...input.events] as Stripe.WebhookEndpointCreateParams.EnabledEvent[]
  const file = join(dataDir, 'webhook-endpoint.json')
  const saved = readSaved(file)
  let existing: Stripe.WebhookEndpoint | undefined
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url === url) existing = endpoint
  }
  if (existing && saved?.id === existing.id && saved.url === url) {
    if (!sameTypes(existing.enabled_events, events))
      await stripe.webhookEndpoints.update(existing.id, { enabled_events: events })
    return saved.secret
  }
  if (existing) await stripe.webhookEndpoints.del(existing.id)
  const created = await stripe.webhookEndpoints.create({ url, enabled_events: events })
  if (!created.secret) throw new Error('The webhook endpoint came back without a signing secret')
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, JSON.stringify({ id: created.id, url, secret: created.secret }, null, 2), {
    mode: 0o600,
  })
  return created.secret
}

function sameTypes(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a)
  return set.size === new Set(b).size && b.every((type) => set.has(type))
}

function readSaved(file: string): Saved | undefined {
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Saved
  } catch {
    return undefined
  }
}
