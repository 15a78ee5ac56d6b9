import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { stripeOptions } from '../test/harness.js'
import { EMULATOR_SECRET_KEY, loadConfig } from './config.js'
import { HANDLED_EVENT_TYPES } from './event-handlers.js'
import { findFreePort } from './lib/ports.js'
import { startTollgate } from './start.js'
import { StartupError } from './start-errors.js'
import { startEmulator } from './test-mode/emulator.js'

/** A store folder with the demo catalog, a free port, and its settings (with `extra`). */
async function store(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tg-start-'))
  copyFileSync('catalog.yaml', join(dir, 'catalog.yaml'))
  const port = await findFreePort(20_000 + Math.floor(Math.random() * 20_000))
  const env = {
    DATA_DIR: join(dir, 'data'),
    CATALOG: join(dir, 'catalog.yaml'),
    PORT: String(port),
    LOG_LEVEL: 'silent',
    ...extra,
  }
  return { dir, port, env, config: loadConfig(env) }
}

describe('startTollgate in test mode', () => {
  it('starts the emulator, registers the webhook, generates demo PDFs, syncs, serves; a restart reuses it all', async () => {
    const { dir, port, config } = await store()
    const emulatorPort = await findFreePort(port + 1)

    const first = await startTollgate(config, { emulatorPort })
    let endpointId: string | undefined
    try {
      expect(first.deps.config.testMode).toBe(true)
      const pdf = join(dir, 'data/files/field-guide.pdf')
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-')
      const css = await fetch(`${first.url}/static/style.css`)
      expect(css.status).toBe(200)
      const endpoints = await first.deps.stripe.webhookEndpoints.list()
      const ours = endpoints.data.filter((e) => e.url === `${config.publicUrl}/webhooks/stripe`)
      expect(ours).toHaveLength(1)
      endpointId = ours[0]?.id
      expect(first.deps.config.stripeWebhookSecret).toMatch(/^whsec_/)
      const prices = await first.deps.stripe.prices.list({ lookup_keys: ['field-guide'] })
      expect(prices.data[0]?.unit_amount).toBe(1900)
      expect(existsSync(join(dir, 'data/emulator.url'))).toBe(true)
      // Subscribed to what the inbox handles, as `tollgate doctor` asks of a live endpoint: the
      // catalog's product and price events are not sent for nothing.
      expect(ours[0]?.enabled_events).toEqual([...HANDLED_EVENT_TYPES])
      expect(ours[0]?.enabled_events).toContain('checkout.session.completed')
      // An endpoint left on `*` by an older Tollgate is brought up to date on the next start.
      await first.deps.stripe.webhookEndpoints.update(endpointId ?? '', { enabled_events: ['*'] })
    } finally {
      await first.stop()
    }

    const second = await startTollgate(config, { emulatorPort })
    try {
      const endpoints = await second.deps.stripe.webhookEndpoints.list()
      expect(endpoints.data.map((e) => e.id)).toEqual([endpointId])
      expect(endpoints.data[0]?.enabled_events).toEqual([...HANDLED_EVENT_TYPES])
      expect(second.deps.config.stripeWebhookSecret).toBe(first.deps.config.stripeWebhookSecret)
      expect((await second.deps.stripe.products.list({ limit: 100 })).data).toHaveLength(5)
    } finally {
      await second.stop()
    }
  })

  /** @see issue 9: test mode bound every interface and ignored STRIPE_API_URL. */
  it('listens on 127.0.0.1 in test mode and uses the emulator STRIPE_API_URL names, starting none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-start-'))
    copyFileSync('catalog.yaml', join(dir, 'catalog.yaml'))
    const { emulator, url: emulatorUrl } = await startEmulator({ port: 0 })
    const port = await findFreePort(20_000 + Math.floor(Math.random() * 20_000))
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'),
      CATALOG: join(dir, 'catalog.yaml'),
      PORT: String(port),
      LOG_LEVEL: 'silent',
      STRIPE_API_URL: emulatorUrl,
    })
    const running = await startTollgate(config)
    try {
      expect(running.address.address).toBe('127.0.0.1')
      expect(running.emulatorUrl).toBeUndefined()
      expect(existsSync(join(dir, 'data/emulator.url'))).toBe(false)
      // The catalog was synced into the emulator we named, and its webhook endpoint points at us.
      const external = new Stripe(EMULATOR_SECRET_KEY, stripeOptions(emulatorUrl))
      expect((await external.prices.list({ lookup_keys: ['field-guide'] })).data).toHaveLength(1)
      const endpoints = await external.webhookEndpoints.list()
      expect(endpoints.data.map((e) => e.url)).toContain(`${config.publicUrl}/webhooks/stripe`)
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200)
    } finally {
      await running.stop()
      await emulator.stop()
    }
  })

  /** @see issue 9: a client that never finishes its request must not hold a SIGTERM forever. */
  it('stop() lets a request in progress run out its grace period, then closes it and everything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-start-'))
    copyFileSync('catalog.yaml', join(dir, 'catalog.yaml'))
    const { emulator, url: emulatorUrl } = await startEmulator({ port: 0 })
    const port = await findFreePort(20_000 + Math.floor(Math.random() * 20_000))
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'),
      CATALOG: join(dir, 'catalog.yaml'),
      PORT: String(port),
      LOG_LEVEL: 'silent',
      STRIPE_API_URL: emulatorUrl,
    })
    const running = await startTollgate(config, { shutdownGraceMs: 300 })
    try {
      const socket = connect(port, '127.0.0.1')
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      socket.on('error', () => {})
      let answer = ''
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString()
      })
      // A form from our own page: headers and a promise of 100 bytes of body, then silence.
      const origin = `http://127.0.0.1:${port}`
      socket.write(
        `POST /checkout HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\n` +
          'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nprice=',
      )
      await new Promise((resolve) => setTimeout(resolve, 200))
      await running.stop()
      await closed
      expect(answer).toBe('') // still waiting for its body: cut, not answered
      await expect(running.deps.db.selectFrom('orders').select('id').execute()).rejects.toThrow()
    } finally {
      await emulator.stop()
    }
  })

  it('stores started at once each find an emulator port of their own, and a taken port is refused, not a crash', async () => {
    const configs = await Promise.all(
      [0, 1, 2].map(async () => {
        return (await store()).config
      }),
    )
    const started = await Promise.allSettled(configs.map((config) => startTollgate(config)))
    const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    try {
      expect(started.filter((s) => s.status === 'rejected')).toEqual([])
      const urls = running.map((r) => r.deps.config.stripeApiUrl)
      expect(new Set(urls).size).toBe(3)
      // Asked for a port that is taken, the store says so instead of dying on an unheard error.
      const taken = Number(new URL(urls[0] ?? '').port)
      const dir = mkdtempSync(join(tmpdir(), 'tg-start-taken-'))
      copyFileSync('catalog.yaml', join(dir, 'catalog.yaml'))
      const config = loadConfig({
        DATA_DIR: join(dir, 'data'),
        CATALOG: join(dir, 'catalog.yaml'),
        LOG_LEVEL: 'silent',
      })
      await expect(startTollgate(config, { emulatorPort: taken })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      })
    } finally {
      await Promise.all(running.map((r) => r.stop()))
    }
  }, 60_000)

  it('with HOST=0.0.0.0 (as in the container) the emulator listens beyond the loopback and Checkout goes to the public host', async () => {
    const { config } = await store({ HOST: '0.0.0.0' })
    const running = await startTollgate(config)
    try {
      expect(running.address.address).toBe('0.0.0.0')
      const emulatorPort = Number(new URL(running.emulatorUrl ?? '').port)
      const checkout = await fetch(`${running.url}/checkout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: config.publicUrl },
        body: 'price=field-guide',
      })
      const location = checkout.headers.get('location') ?? ''
      expect(location.startsWith(`http://localhost:${emulatorPort}/c/pay/`)).toBe(true)
      expect((await fetch(location)).status).toBe(200)
      // Reached on another interface than the loopback, as a published container port is.
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((i) => i?.family === 'IPv4' && !i.internal)
      if (outside) {
        const page = await fetch(location.replace('localhost', outside.address))
        expect(page.status).toBe(200)
      }
    } finally {
      await running.stop()
    }
  }, 60_000)

  it('a port in use, a host not of this machine, a data folder it cannot write: one line naming the setting', async () => {
    const { dir, port, env: base } = await store()
    const blocker = createServer()
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done))
    try {
      const taken = startTollgate(loadConfig(base))
      await expect(taken).rejects.toBeInstanceOf(StartupError)
      await expect(taken).rejects.toThrow(`PORT: port ${port} is already in use on 127.0.0.1`)
    } finally {
      blocker.close()
    }
    await expect(startTollgate(loadConfig({ ...base, HOST: 'no-such-host.invalid' }))).rejects.toThrow(
      /^HOST: "no-such-host.invalid" does not resolve/,
    )
    writeFileSync(join(dir, 'a-file'), '')
    // Test mode writes its session secret there while reading the settings; live mode at start.
    expect(() => loadConfig({ ...base, DATA_DIR: join(dir, 'a-file', 'data') })).toThrow(
      /DATA_DIR: cannot write .*a-file.* \(ENOTDIR\)/,
    )
    const live = {
      STRIPE_SECRET_KEY: 'sk_test_0123456789abcdef',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      SESSION_SECRET: 'x'.repeat(32),
    }
    const underAFile = loadConfig({ ...base, ...live, DATA_DIR: join(dir, 'a-file', 'data') })
    await expect(startTollgate(underAFile)).rejects.toThrow(/^DATA_DIR: cannot write .*a-file.* \(ENOTDIR\)/)
  }, 60_000)
})
