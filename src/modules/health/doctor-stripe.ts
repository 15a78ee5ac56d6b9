/**
 * `tollgate doctor`, the Stripe half: the keys agree on test or live mode, PUBLIC_URL can take
 * live traffic, a webhook endpoint at PUBLIC_URL listens for every event Tollgate handles, and
 * Stripe's deliveries to it are accepted (a signing secret that does not match shows up as
 * events Stripe could not deliver and the inbox never received).
 * @module
 */
import type Stripe from 'stripe'
import type { Config } from '../../config.js'
import type { Deps } from '../../deps.js'
import { countWebhookEventsSince, findEventSources } from '../webhooks/index.js'
import { type CheckResult, fail, guarded, pass, warn } from './check.js'

/** Only events older than this count as undelivered (Stripe retries the first one within minutes). */
const DELIVERY_GRACE_SECONDS = 5 * 60
const LOOKBACK_SECONDS = 3 * 86_400

const modeOf = (key: string): 'test' | 'live' => (/^(sk|rk|pk)_live_/.test(key) ? 'live' : 'test')

export function checkStripeKeys(config: Config): CheckResult {
  if (config.testMode) {
    return fail(
      'stripe-keys',
      'STRIPE_SECRET_KEY is not set: Tollgate runs in test mode on its emulator',
      'Set STRIPE_SECRET_KEY (sk_live_… or sk_test_…) from the Stripe Dashboard → Developers → API keys.',
    )
  }
  const secretMode = modeOf(config.stripeSecretKey)
  const publishable = config.stripePublishableKey
  if (publishable === undefined) {
    return warn(
      'stripe-keys',
      `secret key is ${secretMode} mode; STRIPE_PUBLISHABLE_KEY is not set`,
      `Set STRIPE_PUBLISHABLE_KEY to the pk_${secretMode}_… key of the same account, so both say the same mode.`,
    )
  }
  if (modeOf(publishable) !== secretMode) {
    return fail(
      'stripe-keys',
      `the secret key is ${secretMode} mode but the publishable key is ${modeOf(publishable)} mode`,
      `Use keys of the same mode: sk_${secretMode}_… with pk_${secretMode}_… (Dashboard → Developers → API keys).`,
    )
  }
  return pass('stripe-keys', `secret and publishable keys are both ${secretMode} mode`)
}

export function checkPublicUrl(config: Config): CheckResult {
  const url = new URL(config.publicUrl)
  const local = /^(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(url.hostname)
  if (config.testMode || modeOf(config.stripeSecretKey) === 'test') {
    return pass('public-url', `${config.publicUrl} (test keys: http and local addresses are allowed)`)
  }
  if (url.protocol !== 'https:') {
    return fail(
      'public-url',
      `${config.publicUrl} is not https, and the keys are live`,
      'Serve the store over https (a proxy such as Caddy or nginx, see docs/deploy-vps.md) and set PUBLIC_URL=https://….',
    )
  }
  if (local) {
    return fail(
      'public-url',
      `${config.publicUrl} is a local address, and the keys are live`,
      'Set PUBLIC_URL to the address buyers and Stripe use, e.g. https://store.example.com.',
    )
  }
  return pass('public-url', `${config.publicUrl} is https`)
}

export async function checkWebhookEndpoint(
  deps: Deps,
  neededEvents: readonly string[],
): Promise<CheckResult> {
  const url = `${deps.config.publicUrl}/webhooks/stripe`
  const fix = `Stripe Dashboard → Developers → Webhooks: add an endpoint at ${url} for these events: ${neededEvents.join(', ')}; put its signing secret in STRIPE_WEBHOOK_SECRET.`
  return guarded('webhook-endpoint', fix, async () => {
    const endpoint = await findEndpoint(deps.stripe, url)
    if (!endpoint) return fail('webhook-endpoint', `no webhook endpoint is registered at ${url}`, fix)
    if (endpoint.status !== 'enabled')
      return fail(
        'webhook-endpoint',
        `the endpoint at ${url} is ${endpoint.status}`,
        'Enable it in the Stripe Dashboard → Developers → Webhooks.',
      )
    const enabled = new Set(endpoint.enabled_events)
    const missing = enabled.has('*') ? [] : neededEvents.filter((e) => !enabled.has(e))
    if (missing.length > 0) {
      return fail(
        'webhook-endpoint',
        `the endpoint at ${url} does not send ${missing.join(', ')}`,
        `Add these events to the endpoint ${endpoint.id}: ${missing.join(', ')}.`,
      )
    }
    return pass('webhook-endpoint', `${endpoint.id} at ${url} sends every event Tollgate handles`)
  })
}

async function findEndpoint(stripe: Stripe, url: string): Promise<Stripe.WebhookEndpoint | undefined> {
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url === url) return endpoint
  }
  return undefined
}

/**
 * Stripe keeps the signing secret to itself after creating the endpoint, so the proof is in the
 * deliveries: events Stripe has not delivered (for minutes) that the inbox never received by
 * webhook mean Tollgate refused them, most often for a secret that does not match.
 */
export async function checkWebhookDeliveries(
  deps: Deps,
  neededEvents: readonly string[],
): Promise<CheckResult> {
  const fix =
    'Copy the signing secret of the endpoint (Dashboard → Developers → Webhooks → Signing secret) into STRIPE_WEBHOOK_SECRET, restart, and check that PUBLIC_URL is reachable from the internet.'
  return guarded('webhook-secret', fix, async () => {
    const now = Math.floor(deps.clock.now().getTime() / 1000)
    const needed = new Set(neededEvents)
    const undelivered: Stripe.Event[] = []
    const params = { delivery_success: false, created: { gte: now - LOOKBACK_SECONDS }, limit: 100 }
    for await (const event of deps.stripe.events.list(params)) {
      if (needed.has(event.type) && event.created <= now - DELIVERY_GRACE_SECONDS) undelivered.push(event)
      if (undelivered.length >= 100) break
    }
    const sources = await findEventSources(
      deps.db,
      undelivered.map((e) => e.id),
    )
    const refused = undelivered.filter((e) => sources.get(e.id) !== 'webhook')
    if (refused.length > 0) {
      const sample = refused
        .slice(0, 3)
        .map((e) => `${e.id} (${e.type})`)
        .join(', ')
      return fail(
        'webhook-secret',
        `${refused.length} event(s) Stripe could not deliver never reached Tollgate by webhook: ${sample}`,
        fix,
      )
    }
    const since = new Date((now - LOOKBACK_SECONDS) * 1000).toISOString()
    const received = await countWebhookEventsSince(deps.db, since)
    if (received === 0) {
      return warn(
        'webhook-secret',
        'no webhook has arrived yet, so the signing secret is unproven',
        'Make a test purchase (or `stripe trigger checkout.session.completed`) and run doctor again.',
      )
    }
    return pass(
      'webhook-secret',
      `${received} webhook event(s) in the last 3 days passed signature verification`,
    )
  })
}
