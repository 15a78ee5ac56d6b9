/**
 * `tollgate doctor`: a sound configuration passes every check, and each kind of broken
 * configuration is reported precisely, with a fix. Stripe is the emulator (through the real SDK),
 * SMTP a real local SMTP server, the database real.
 * @see issue 10
 */

import { mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pino from 'pino'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { buyAndPay, settle } from '../../../test/purchase.js'
import { runCli } from '../../cli/index.js'
import type { Config } from '../../config.js'
import { migrateToLatest } from '../../db/migrate.js'
import type { Deps } from '../../deps.js'
import { EVENT_HANDLERS } from '../../event-handlers.js'
import { createMailer } from '../../lib/mailer.js'
import type { CheckResult } from './check.js'
import { runDoctor } from './doctor.js'
import { checkSessionSecret, checkStoreName, suggestedSender } from './doctor-setup.js'
import { checkPublicUrl, checkStripeKeys } from './doctor-stripe.js'

const NEEDED = Object.keys(EVENT_HANDLERS).sort()
const SENDER = 'Demo Store <store@shop.example>'

let smtp: SMTPServer
let smtpUrl: string

beforeAll(async () => {
  smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false })
  await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done))
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((done) => smtp.close(done)))

function byName(results: CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(results.map((r) => [r.name, r]))
}

describe.each(DIALECTS)('tollgate doctor on %s', (dialect) => {
  let t: TestApp
  /** The store's deps as a live install would have them: real keys (the emulator's), SMTP. */
  let live: Deps

  function withConfig(overrides: Partial<Config>, deps: Partial<Deps> = {}): Deps {
    const config = Object.freeze({ ...live.config, ...overrides })
    const mail = createMailer(config, pino({ level: 'silent' }))
    return { ...live, mail, ...deps, config }
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { testMode: false } })
    live = { ...t.deps }
    live = withConfig({
      stripePublishableKey: 'pk_test_doctor0123456789',
      smtpUrl,
      mailFrom: SENDER,
      brand: { name: 'Doctor Books', accentColor: '#2454d6' },
    })
    const agent = t.agent()
    const { successPath } = await buyAndPay(agent, {
      price: 'field-guide',
      email: `doctor-${dialect}@example.com`,
    })
    await agent.request(successPath)
    await settle(t)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('passes every check of a sound configuration', async () => {
    const results = await runDoctor(live, { neededEvents: NEEDED })
    expect(results.filter((r) => r.status !== 'pass')).toEqual([])
    expect(results.map((r) => r.name)).toEqual([
      'stripe-keys',
      'public-url',
      'store-name',
      'webhook-endpoint',
      'webhook-secret',
      'mail',
      'database',
      'migrations',
      'files',
      'session-secret',
    ])
  })

  it('finds the webhook endpoint missing, short of events, or disabled', async () => {
    const elsewhere = withConfig({ publicUrl: 'https://shop.example.test' })
    const none = byName(await runDoctor(elsewhere, { neededEvents: NEEDED }))['webhook-endpoint']
    expect(none).toMatchObject({
      status: 'fail',
      detail: 'no webhook endpoint is registered at https://shop.example.test/webhooks/stripe',
    })
    expect(none?.fix).toContain('checkout.session.completed')

    const partial = await t.stripe.webhookEndpoints.create({
      url: 'https://shop.example.test/webhooks/stripe',
      enabled_events: ['checkout.session.completed', 'invoice.paid'],
    })
    const short = byName(await runDoctor(elsewhere, { neededEvents: NEEDED }))['webhook-endpoint']
    expect(short?.status).toBe('fail')
    expect(short?.detail).toMatch(/does not send .*charge\.refunded/)
    expect(short?.detail).not.toMatch(/invoice\.paid\b/)

    await t.stripe.webhookEndpoints.update(partial.id, { enabled_events: ['*'], disabled: true })
    const disabled = byName(await runDoctor(elsewhere, { neededEvents: NEEDED }))['webhook-endpoint']
    expect(disabled).toMatchObject({ status: 'fail', detail: expect.stringContaining('is disabled') })
    await t.stripe.webhookEndpoints.del(partial.id)
  })

  it('finds deliveries refused (a signing secret that does not match), and says when nothing proves it yet', async () => {
    const database = await createTestDatabase(dialect)
    try {
      await migrateToLatest(database.db)
      const emptyInbox = withConfig({}, { db: database.db })
      expect(byName(await runDoctor(emptyInbox, { neededEvents: NEEDED }))['webhook-secret']).toMatchObject({
        status: 'warn',
        detail: expect.stringContaining('no webhook has arrived yet'),
      })
      // An endpoint whose secret the store does not have: Stripe's deliveries to it are refused.
      await t.stripe.webhookEndpoints.create({ url: `${t.url}/webhooks/stripe?copy`, enabled_events: ['*'] })
      const agent = t.agent()
      await buyAndPay(agent, { price: 'workshop-notes', email: `doctor-refused-${dialect}@example.com` })
      await settle(t)
      await t.emulator.clock.advance(10 * 60)
      const refused = byName(await runDoctor(emptyInbox, { neededEvents: NEEDED }))['webhook-secret']
      expect(refused?.status).toBe('fail')
      expect(refused?.detail).toMatch(
        /event\(s\) Stripe could not deliver never reached Tollgate by webhook: evt_/,
      )
      expect(refused?.fix).toContain('STRIPE_WEBHOOK_SECRET')
      // The store's own inbox did receive them through its endpoint: that secret is proven.
      expect(byName(await runDoctor(live, { neededEvents: NEEDED }))['webhook-secret']?.status).toBe('pass')
    } finally {
      await database.close()
    }
  })

  it('finds mail that cannot leave: no SMTP in live mode, a placeholder sender, an unreachable server', async () => {
    const check = async (overrides: Partial<Config>): Promise<CheckResult | undefined> =>
      byName(await runDoctor(withConfig(overrides), { neededEvents: NEEDED })).mail
    expect(await check({ smtpUrl: undefined })).toMatchObject({ status: 'warn' })
    expect(await check({ smtpUrl: undefined, stripeSecretKey: 'sk_live_doctor0123456789' })).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('SMTP_URL is not set'),
    })
    expect(
      await check({
        mailFrom: 'Tollgate <store@tollgate.localhost>',
        brand: { name: 'Ada Books', accentColor: '#aa3300' },
        publicUrl: 'https://www.ada-books.example',
      }),
    ).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('MAIL_FROM'),
      fix: 'Set MAIL_FROM="Ada Books <store@ada-books.example>" (an address your SMTP provider may send from).',
    })
    const closed = await check({ smtpUrl: 'smtp://127.0.0.1:9' })
    expect(closed?.status).toBe('fail')
    expect(closed?.detail).toMatch(/ECONNREFUSED/)
  })

  it('finds migrations not applied, an unreachable database and catalog files missing', async () => {
    const database = await createTestDatabase(dialect)
    try {
      const unmigrated = byName(
        await runDoctor(withConfig({}, { db: database.db }), { neededEvents: NEEDED }),
      )
      expect(unmigrated.database?.status).toBe('pass')
      expect(unmigrated.migrations).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/^\d+ not applied: 2026_11_22_2330_create_foundation/),
      })
      expect(unmigrated.migrations?.fix).toBe('Run `tollgate migrate`.')
    } finally {
      await database.close()
    }
    const gone = byName(await runDoctor(withConfig({}, { db: database.db }), { neededEvents: NEEDED }))
    expect(gone.database?.status).toBe('fail')
    expect(gone.migrations).toBeUndefined()

    const [first, ...rest] = live.catalog.products
    if (!first) throw new Error('empty demo catalog')
    const lost = {
      ...first,
      files: [
        { ...first.files[0], id: 'lost-pdf', path: '/nowhere/lost.pdf' } as (typeof first.files)[number],
      ],
    }
    const files = byName(
      await runDoctor(withConfig({}, { catalog: { ...live.catalog, products: [lost, ...rest] } }), {
        neededEvents: NEEDED,
      }),
    ).files
    expect(files).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('lost-pdf (/nowhere/lost.pdf)'),
    })
  })
})

describe('doctor checks that need no services', () => {
  const config = (overrides: Partial<Config>): Config =>
    ({
      testMode: false,
      stripeSecretKey: 'sk_test_x0123456789',
      publicUrl: 'http://localhost:3000',
      ...overrides,
    }) as Config

  it('compares the modes of the secret and publishable keys', () => {
    expect(checkStripeKeys(config({ stripePublishableKey: 'pk_live_abc0123456789' }))).toMatchObject({
      status: 'fail',
      detail: 'the secret key is test mode but the publishable key is live mode',
    })
    expect(checkStripeKeys(config({ stripePublishableKey: undefined })).status).toBe('warn')
    expect(checkStripeKeys(config({ testMode: true })).status).toBe('fail')
    expect(
      checkStripeKeys(
        config({ stripeSecretKey: 'rk_live_abc0123456789', stripePublishableKey: 'pk_live_abc0123456789' }),
      ).status,
    ).toBe('pass')
  })

  it('wants https and a public address for PUBLIC_URL with live keys', () => {
    const liveKey = { stripeSecretKey: 'sk_live_abc0123456789' }
    expect(checkPublicUrl(config({ ...liveKey, publicUrl: 'http://store.example.com' }))).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('is not https'),
    })
    expect(checkPublicUrl(config({ ...liveKey, publicUrl: 'https://localhost:3000' }))).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('local address'),
    })
    expect(checkPublicUrl(config({ ...liveKey, publicUrl: 'https://store.example.com' })).status).toBe('pass')
    expect(checkPublicUrl(config({ publicUrl: 'http://localhost:3000' })).status).toBe('pass')
  })

  it('suggests a sender from the shop’s own name and domain', () => {
    const brand = { name: 'Ada "Rare" Books', accentColor: '#aa3300' }
    expect(suggestedSender({ brand, publicUrl: 'https://shop.ada.example' })).toBe(
      '"Ada Rare Books <store@shop.ada.example>"',
    )
    expect(
      suggestedSender({
        brand: { ...brand, supportEmail: 'help@ada.example' },
        publicUrl: 'https://x.example',
      }),
    ).toBe('"Ada Rare Books <store@ada.example>"')
    for (const publicUrl of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://shop.localhost'])
      expect(suggestedSender({ brand, publicUrl })).toBe('"Ada Rare Books <store@your-domain>"')
  })

  it('wants the store named, failing with live keys what it only warns of in test', () => {
    const unnamed = { brand: { name: 'Tollgate demo store', accentColor: '#2454d6' } }
    expect(checkStoreName(config(unnamed))).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('buyers would see “Tollgate demo store”'),
      fix: expect.stringContaining('STORE_NAME'),
    })
    expect(checkStoreName(config({ ...unnamed, stripeSecretKey: 'sk_live_abc0123456789' })).status).toBe(
      'fail',
    )
    expect(checkStoreName(config({ brand: { name: 'Ada Books', accentColor: '#2454d6' } }))).toMatchObject({
      status: 'pass',
      detail: 'buyers see “Ada Books”',
    })
  })

  it('refuses weak session secrets', () => {
    expect(checkSessionSecret(config({ sessionSecret: 'a'.repeat(48) })).status).toBe('fail')
    expect(
      checkSessionSecret(config({ sessionSecret: 'change-me-to-a-long-random-string-please' })).detail,
    ).toContain('placeholder')
    expect(checkSessionSecret(config({ sessionSecret: 'q8Zr1vN3kP0xW7mY2tB5sH9jL4cF6dGa' })).status).toBe(
      'pass',
    )
  })

  it('`tollgate doctor` exits 1 and prints the checklist with fixes (test mode is not live)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-doctor-'))
    const lines: string[] = []
    const env = { DATA_DIR: dir, CATALOG: resolve('catalog.yaml'), LOG_LEVEL: 'silent' }
    const code = await runCli(['doctor'], { env, out: (l) => lines.push(l), err: (l) => lines.push(l) })
    const out = lines.join('\n')
    expect(code).toBe(1)
    expect(out).toContain('Tollgate doctor — test mode')
    expect(out).toMatch(/✗ stripe-keys\s+STRIPE_SECRET_KEY is not set/)
    expect(out).toMatch(/fix: Set STRIPE_SECRET_KEY/)
    expect(out).toMatch(/✗ migrations\s+\d+ not applied/)
    expect(out).toMatch(/! store-name\s+the store has no name of its own/)
    expect(out).toMatch(/problem\(s\) to fix before going live\.$/)
    expect(await runCli(['doctor', '--verbose'], { env, out: () => {}, err: () => {} })).toBe(2)
  })
})
