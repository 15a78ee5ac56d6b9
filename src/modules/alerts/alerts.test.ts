/**
 * Alerts to the owner, end to end: a real purchase through the emulator raises a sale alert (an
 * email to ADMIN_EMAILS in the outbox and a Slack-style POST to a real HTTP receiver), the receiver
 * failing is retried with back-off and delivered once, a switched-off kind is recorded but sent
 * nowhere, an event that gives up and a burst of bad webhook signatures alert once, and the daily
 * digest counts yesterday's alerts once.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type Stripe from 'stripe'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import {
  advanceDays,
  createMember,
  makeCardFail,
  onlySubscription,
  settle,
  subscribe,
} from '../../../test/lifecycle.js'
import { buyAndPay } from '../../../test/purchase.js'
import type { Config } from '../../config.js'
import type { Deps } from '../../deps.js'
import type { AlertSettings } from '../../lib/alert-settings.js'
import { createManualClock } from '../../lib/clock.js'
import { MAX_ATTEMPTS as INBOX_MAX_ATTEMPTS } from '../webhooks/inbox-worker.js'
import { processInbox } from '../webhooks/index.js'
import { storeEvent } from '../webhooks/intake.js'
import { alertOwner, ownerNote } from './alert.js'
import { sendDailyDigest } from './digest-worker.js'
import { listAlerts } from './repo.js'
import { deliverDueAlerts, retryDelayMs } from './webhook-worker.js'

const ADMIN = 'owner@example.com'

/** A chat webhook stand-in: records JSON bodies; answers 500 to the next `failures` requests. */
type Receiver = { url: string; bodies: { text: string }[]; failNext(n: number): void; close(): Promise<void> }

async function startReceiver(): Promise<Receiver> {
  const bodies: { text: string }[] = []
  let failures = 0
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8')
    })
    req.on('end', () => {
      if (failures > 0) {
        failures--
        res.writeHead(500).end('down')
        return
      }
      bodies.push(JSON.parse(raw) as { text: string })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000`,
    bodies,
    failNext: (n) => {
      failures = n
    },
    close: () => new Promise((done) => server.close(() => done())),
  }
}

describe.each(DIALECTS)('owner alerts on %s', (dialect) => {
  let t: TestApp
  let receiver: Receiver
  let alerts: AlertSettings

  function withAlerts(change: Partial<AlertSettings>, extra: Partial<Deps> = {}): Deps {
    const config: Config = Object.freeze({ ...t.deps.config, alerts: { ...alerts, ...change } })
    return { ...t.deps, ...extra, config }
  }

  beforeAll(async () => {
    receiver = await startReceiver()
    alerts = {
      webhookUrl: receiver.url,
      off: [],
      digest: false,
      badSignatures: { threshold: 3, windowSeconds: 600 },
    }
    t = await createTestApp({ dialect, config: { adminEmails: [ADMIN], alerts }, workers: 'manual' })
  })
  afterAll(async () => {
    await t?.close()
    await receiver?.close()
  })
  beforeEach(() => {
    receiver.bodies.length = 0
  })

  it('tells the owner of a sale by email and on the chat webhook, once', async () => {
    await buyAndPay(t.agent(), { price: 'field-guide', email: 'buyer@example.com' })
    await settle(t)
    const mail = (await t.mail(ADMIN)).filter((m) => m.template === 'owner-alert')
    expect(mail.map((m) => m.subject)).toEqual(['New sale: The Tollgate Field Guide, $19.00'])
    expect(mail[0]?.text).toContain('buyer@example.com bought The Tollgate Field Guide for $19.00.')
    expect(receiver.bodies).toEqual([
      {
        text: expect.stringMatching(
          /^\*Tollgate demo store: New sale: The Tollgate Field Guide, \$19\.00\*\nbuyer@example\.com bought/,
        ),
      },
    ])
    const [row] = await listAlerts(t.deps.db, 1)
    expect(row).toMatchObject({ kind: 'sale', webhook_status: 'sent', attempts: 1 })
    await t.drain()
    expect(receiver.bodies).toHaveLength(1)
  })

  it('tells the owner of a new subscription and of its cancellation', async () => {
    const member = await createMember(t, `member-${dialect}@example.com`)
    await subscribe(member, 'membership-monthly')
    await settle(t)
    const sub = await onlySubscription(t, member)
    await t.stripe.subscriptions.update(sub.stripe_subscription_id, { cancel_at_period_end: true })
    await settle(t)
    const subjects = (await t.mail(ADMIN)).map((m) => m.subject)
    expect(subjects.filter((s) => s.startsWith('New subscription:'))).toHaveLength(1)
    expect(subjects.filter((s) => s.startsWith('Cancellation:'))).toHaveLength(1)
    const texts = receiver.bodies.map((b) => b.text)
    expect(texts.some((x) => x.includes(`${member.email} subscribed to`))).toBe(true)
    expect(texts.some((x) => x.includes(`${member.email} canceled`))).toBe(true)
  })

  it('retries the webhook with back-off when the receiver fails, and delivers once', async () => {
    const clock = createManualClock(t.deps.clock.now())
    const deps = withAlerts({}, { clock })
    await deps.db
      .transaction()
      .execute((trx) => alertOwner(trx, deps, ownerNote('dispute', { subject: 'Dispute', lines: ['x'] })))
    receiver.failNext(1)
    expect(await deliverDueAlerts(deps)).toBe(1)
    expect(receiver.bodies).toEqual([])
    const [failed] = await listAlerts(deps.db, 1)
    expect(failed).toMatchObject({ webhook_status: 'pending', attempts: 1, last_error: 'HTTP 500' })
    expect(await deliverDueAlerts(deps)).toBe(0) // not due before the back-off
    clock.advance(retryDelayMs(1))
    expect(await deliverDueAlerts(deps)).toBe(1)
    expect(receiver.bodies.map((b) => b.text)).toEqual(['*Tollgate demo store: Dispute*\nx'])
    expect((await listAlerts(deps.db, 1))[0]).toMatchObject({ webhook_status: 'sent', attempts: 2 })
  })

  it('records a switched-off kind for the digest but sends it nowhere', async () => {
    const deps = withAlerts({ off: ['sale'] })
    const before = (await t.mail(ADMIN)).length
    const sent = await deps.db
      .transaction()
      .execute((trx) => alertOwner(trx, deps, ownerNote('sale', { subject: 'Quiet sale', lines: [] })))
    expect(sent).toBe(false)
    expect((await listAlerts(deps.db, 1))[0]).toMatchObject({ kind: 'sale', webhook_status: 'none' })
    expect(await t.mail(ADMIN)).toHaveLength(before)
    await deliverDueAlerts(deps)
    expect(receiver.bodies).toEqual([])
  })

  it('alerts once when an event gives up after its retries', async () => {
    const event = { id: `evt_giveup_${dialect}`, object: 'event', type: 'charge.captured', created: 1 }
    await storeEvent(t.deps.db, event as unknown as Stripe.Event, {
      payload: JSON.stringify(event),
      source: 'webhook',
      now: t.deps.clock.now(),
    })
    await t.deps.db
      .updateTable('stripe_events')
      .set({ attempts: INBOX_MAX_ATTEMPTS - 1, next_attempt_at: '2000-01-01T00:00:00.000Z' })
      .where('stripe_event_id', '=', event.id)
      .execute()
    const failing = {
      'charge.captured': [
        async () => {
          throw new Error('the database is on fire')
        },
      ],
    }
    await processInbox(t.deps, failing as never)
    const mail = (await t.mail(ADMIN)).filter((m) => m.subject === 'A Stripe event gave up: charge.captured')
    expect(mail).toHaveLength(1)
    expect(mail[0]?.text).toContain(`${event.id} (charge.captured) failed ${INBOX_MAX_ATTEMPTS} times`)
    expect(mail[0]?.text).toContain('the database is on fire')
    await processInbox(t.deps, failing as never) // given up: not claimed again
    expect((await t.mail(ADMIN)).filter((m) => m.subject.startsWith('A Stripe event gave up'))).toHaveLength(
      1,
    )
  })

  it('alerts once when bad webhook signatures reach the threshold in the window', async () => {
    const bad = () =>
      t.request('/webhooks/stripe', {
        method: 'POST',
        headers: { 'stripe-signature': 't=1,v1=deadbeef', 'content-type': 'application/json' },
        body: '{"id":"evt_forged"}',
      })
    const burst = () => t.mail(ADMIN).then((m) => m.filter((x) => x.subject.includes('bad signature')))
    for (let i = 0; i < 2; i++) expect((await bad()).status).toBe(400)
    expect(await burst()).toEqual([])
    for (let i = 0; i < 3; i++) expect((await bad()).status).toBe(400)
    const mail = await burst()
    expect(mail.map((m) => m.subject)).toEqual(['3 webhook requests with a bad signature'])
    expect(
      await t.deps.db
        .selectFrom('stripe_events')
        .where('stripe_event_id', '=', 'evt_forged')
        .selectAll()
        .execute(),
    ).toEqual([])
  })

  it('sends yesterday’s digest once, counting every kind', async () => {
    const tomorrow = new Date(t.deps.clock.now().getTime() + 86_400_000)
    const deps = withAlerts({ digest: true }, { clock: createManualClock(tomorrow) })
    expect(await sendDailyDigest(deps)).toBe(true)
    expect(await sendDailyDigest(deps)).toBe(false)
    const digests = (await t.mail(ADMIN)).filter((m) => m.template === 'owner-digest')
    expect(digests).toHaveLength(1)
    expect(digests[0]?.subject).toBe(`Daily digest for ${t.deps.clock.now().toISOString().slice(0, 10)}`)
    expect(digests[0]?.text).toMatch(/\d+ new sales/)
    expect(digests[0]?.text).toContain('1 bursts of bad webhook signatures')
    expect(await sendDailyDigest(withAlerts({ digest: false }, { clock: createManualClock(tomorrow) }))).toBe(
      false,
    )
  })

  // Last: it moves the shared clock to the renewal, a month on.
  it('tells the owner of a failed subscription payment, once', async () => {
    const member = await createMember(t, `late-payer-${dialect}@example.com`)
    await subscribe(member, 'membership-monthly')
    await settle(t)
    const sub = await onlySubscription(t, member)
    await makeCardFail(t.stripe, sub.stripe_subscription_id)
    // Just past the renewal, whose charge fails (Stripe then retries over the following days).
    const renewal = Date.parse(sub.current_period_end ?? '') / 1000
    await advanceDays(t, (renewal - t.emulator.clock.now() + 2 * 3600) / 86_400)
    expect((await onlySubscription(t, member)).status).toBe('past_due')
    const failed = (await t.mail(ADMIN)).filter((m) => m.subject.startsWith('Payment failed:'))
    expect(failed).toHaveLength(1)
    expect(failed[0]?.text).toContain(`by ${member.email} failed`)
    await t.drain()
    expect(receiver.bodies.filter((b) => b.text.includes(`by ${member.email} failed`))).toHaveLength(1)
  }, 60_000)
})
