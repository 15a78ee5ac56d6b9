/**
 * Test mode: make sure the emulator posts webhooks to us. The signing secret is only returned
 * when an endpoint is created, so it is kept in `<dataDir>/webhook-endpoint.json` and the
 * endpoint is reused by URL across restarts (recreated if the secret was lost).
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type Stripe from 'stripe'

type Saved = { id: string; url: string; secret: string }

export async function ensureWebhookEndpoint(stripe: Stripe, url: string, dataDir: string): Promise<string> {
  const file = join(dataDir, 'webhook-endpoint.json')
  const saved = readSaved(file)
  let existing: Stripe.WebhookEndpoint | undefined
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url === url) existing = endpoint
  }
  if (existing && saved?.id === existing.id && saved.url === url) return saved.secret
  if (existing) await stripe.webhookEndpoints.del(existing.id)
  const created = await stripe.webhookEndpoints.create({ url, enabled_events: ['*'] })
  if (!created.secret) throw new Error('The webhook endpoint came back without a signing secret')
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, JSON.stringify({ id: created.id, url, secret: created.secret }, null, 2), {
    mode: 0o600,
  })
  return created.secret
}

function readSaved(file: string): Saved | undefined {
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Saved
  } catch {
    return undefined
  }
}
