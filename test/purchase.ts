/**
 * Test helpers for the purchase flow: buy through our real routes, then pay on the emulator's
 * hosted Checkout page over HTTP with its fixed field names, as a browser would.
 * Used only by tests.
 * @module
 */
import type Stripe from 'stripe'
import type { Agent, TestApp } from './harness.js'

export const CARDS = { visa: '4242424242424242', declined: '4000000000000002' } as const
/** Stripe's SEPA test IBANs: the debit clears, or the bank refuses it, after processing. */
export const IBANS = { succeeds: 'AT611904300234573201', fails: 'AT861904300235473202' } as const

/** POST /checkout as a form; returns the hosted page URL and the session id. */
export async function startCheckout(
  agent: Agent,
  fields: { price: string; email?: string },
): Promise<{ url: string; sessionId: string }> {
  const res = await agent.postForm('/checkout', { price: fields.price, email: fields.email ?? '' })
  if (res.status !== 303) throw new Error(`POST /checkout answered ${res.status}: ${await res.text()}`)
  const url = res.headers.get('location') ?? ''
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(url)?.[1]
  if (!sessionId) throw new Error(`No session id in ${url}`)
  return { url, sessionId }
}

export type PayResult = { status: number; location: string | null; html: string }

/**
 * Fills and submits the hosted Checkout page, by card or (with `iban`) by SEPA Direct Debit; a
 * completed session redirects (303) to the success URL.
 */
export async function payHostedCheckout(
  pageUrl: string,
  /** `fields`: more of the page's inputs, such as a required billing address. */
  input: { email: string; card?: string; name?: string; iban?: string; fields?: Record<string, string> },
): Promise<PayResult> {
  const page = await fetch(pageUrl)
  const html = await page.text()
  const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1]?.replaceAll('&amp;', '&')
  const target = action ? new URL(action, pageUrl).href : pageUrl
  const res = await fetch(target, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(pageUrl).origin },
    body: new URLSearchParams({
      ...(input.iban
        ? {
            email: input.email,
            paymentMethodType: 'sepa_debit',
            iban: input.iban,
            ibanName: input.name ?? 'Test Buyer',
          }
        : {
            email: input.email,
            cardNumber: input.card ?? CARDS.visa,
            cardExpiry: '12 / 34',
            cardCvc: '123',
            cardName: input.name ?? 'Test Buyer',
          }),
      ...input.fields,
    }).toString(),
  })
  return { status: res.status, location: res.headers.get('location'), html: await res.text() }
}

/** Buys and pays; returns the session id and our success path (relative). */
export async function buyAndPay(
  agent: Agent,
  input: { price: string; email: string; card?: string; iban?: string },
): Promise<{ sessionId: string; successPath: string }> {
  const { url, sessionId } = await startCheckout(agent, input)
  const paid = await payHostedCheckout(url, {
    email: input.email,
    ...(input.card ? { card: input.card } : {}),
    ...(input.iban ? { iban: input.iban } : {}),
  })
  if (!paid.location) throw new Error(`Payment did not redirect (${paid.status}): ${paid.html.slice(0, 500)}`)
  const success = new URL(paid.location)
  return { sessionId, successPath: `${success.pathname}${success.search}` }
}

/**
 * buyAndPay with the emulator's webhook faults set (`drop`: Tollgate hears nothing; `duplicate`:
 * everything twice) until the purchase's deliveries are done; the faults are cleared after.
 */
export async function buyAndPayWithFaults(
  t: TestApp,
  faults: Parameters<TestApp['emulator']['faults']['set']>[0],
  input: { price: string; email: string; card?: string },
): Promise<{ sessionId: string; successPath: string }> {
  t.emulator.faults.set(faults)
  try {
    const bought = await buyAndPay(t.agent(), input)
    await t.emulator.idle()
    return bought
  } finally {
    t.emulator.faults.clear()
  }
}

/** The `checkout.session.completed` event the emulator made for `sessionId`. */
export async function completedEventOf(t: TestApp, sessionId: string): Promise<Stripe.Event> {
  const events = await t.stripe.events.list({ type: 'checkout.session.completed', limit: 20 })
  const event = events.data.find((e) => (e.data.object as { id: string }).id === sessionId)
  if (!event) throw new Error(`No checkout.session.completed for ${sessionId}`)
  return event
}

/** POSTs `payload` to the app's webhook route over HTTP, signed with its secret, as Stripe does. */
export function postSignedWebhook(t: TestApp, payload: string): Promise<Response> {
  const secret = t.deps.config.stripeWebhookSecret ?? ''
  return fetch(`${t.url}/webhooks/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': t.stripe.webhooks.generateTestHeaderString({ payload, secret }),
    },
    body: payload,
  })
}

/**
 * Lets the emulator deliver every webhook, then waits until the inbox has taken every event
 * (the background worker may hold some under its lease), and runs the workers dry.
 */
export async function settle(t: TestApp): Promise<void> {
  await t.emulator.idle()
  await t.drain()
  await eventually(async () => {
    const open = await t.deps.db
      .selectFrom('stripe_events')
      .select('id')
      .where('handled_at', 'is', null)
      .where('last_error', 'is', null)
      .execute()
    return open.length === 0 ? true : undefined
  })
  await t.drain()
}

/** Polls until `probe` returns something other than undefined (or fails after `timeoutMs`). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('Condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Pulls the revealed access token out of the success page. */
export function tokenFrom(html: string): string | undefined {
  return /data-access-token[^>]*>\s*([A-Za-z0-9_-]{20,})\s*</.exec(html)?.[1]
}
