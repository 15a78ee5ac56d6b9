/** @see issue 9: a 64 MB form to /login grew the server by ~350 MB; a 100 MB webhook body was read whole. */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../test/dialects.js'
import { createTestDeps, type TestDeps, testConfig } from '../../test/harness.js'
import { createApp } from '../app.js'

type Sent = { status: number; bytesSent: number; body: string }

/**
 * Streams `total` bytes (or endlessly, chunked, when `declared` is undefined) and stops as soon as
 * the server answers: the answer arriving while we are still sending is the point.
 */
function streamBody(url: string, path: string, contentType: string, declared?: number): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'a')
    let bytesSent = 0
    let answered = false
    const headers: Record<string, string> = { 'content-type': contentType, origin: url }
    if (declared !== undefined) headers['content-length'] = String(declared)
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers })
    req.on('response', (res: IncomingMessage) => {
      answered = true
      let body = ''
      res.on('data', (d: Buffer) => {
        body += d.toString()
      })
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, bytesSent, body })
        req.destroy()
      })
    })
    req.on('error', (err) => {
      if (!answered) reject(err)
    })
    const pump = (): void => {
      while (!answered && (declared === undefined || bytesSent + chunk.length < declared)) {
        bytesSent += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', pump)
          return
        }
      }
    }
    pump()
  })
}

describe.each(DIALECTS)('request body limits on %s', (dialect) => {
  let t: TestDeps
  let server: ServerType
  let url: string

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    const deps = { ...t.deps, config: testConfig({ stripeWebhookSecret: 'whsec_body_limit_test' }) }
    const app = createApp(deps)
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await t.close()
  })

  it('refuses a 64 MB form to /register with 413 before reading it, and stores nothing', async () => {
    const sent = await streamBody(url, '/register', 'application/x-www-form-urlencoded', 64 * 1024 * 1024)
    expect(sent.status).toBe(413)
    expect(sent.bytesSent).toBeLessThan(64 * 1024 * 1024)
    expect(await t.deps.db.selectFrom('customers').select('id').execute()).toHaveLength(0)
  })

  it('cuts off an endless chunked webhook body at the limit with 413', async () => {
    const sent = await streamBody(url, '/webhooks/stripe', 'application/json')
    expect(sent.status).toBe(413)
    expect(JSON.parse(sent.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } })
    expect(sent.bytesSent).toBeLessThan(64 * 1024 * 1024)
    expect(await t.deps.db.selectFrom('stripe_events').select('id').execute()).toHaveLength(0)
  })

  it('applies the JSON limit to API bodies and the form limit to forms, each configurable', async () => {
    const config = testConfig({ bodyLimits: { form: 2048, json: 4096, webhook: 4096 } })
    const app = createApp({ ...t.deps, config })
    const origin = config.publicUrl
    const form = async (size: number): Promise<Response> =>
      app.request(`${origin}/password/forgot`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: `email=a%40example.com&pad=${'x'.repeat(size)}`,
      })
    expect((await form(3000)).status).toBe(413)
    expect((await form(100)).status).not.toBe(413)
    const json = async (size: number): Promise<Response> =>
      app.request(`${origin}/api/me/entitlements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(size) }),
      })
    expect((await json(5000)).status).toBe(413)
    expect((await json(3000)).status).not.toBe(413)
  })
})
