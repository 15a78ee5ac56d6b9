/**
 * TRUST_PROXY decides whether X-Forwarded-For / X-Forwarded-Proto are believed: without it a
 * client could name its own rate-limit key or pretend to be on https.
 * @see issue 9 (item 11)
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { testConfig } from '../../test/harness.js'
import type { Deps } from '../deps.js'
import { clientIp, isHttps } from './client-ip.js'
import type { AppEnv } from './env.js'

function appWith(trustProxy: boolean): Hono<AppEnv> {
  const deps = { config: testConfig({ trustProxy }) } as Deps
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('deps', deps)
      await next()
    })
    .get('/who', (c) => c.json({ ip: clientIp(c), https: isHttps(c) }))
}

const FORWARDED = { 'x-forwarded-for': '203.0.113.9, 198.51.100.7', 'x-forwarded-proto': 'https' }

describe('client address and scheme behind a proxy', () => {
  it('ignores forwarded headers unless TRUST_PROXY is set', async () => {
    const res = await appWith(false).request('http://shop.example/who', { headers: FORWARDED })
    expect(await res.json()).toEqual({ ip: 'unknown', https: false })
  })

  it('with TRUST_PROXY, takes the address our proxy saw (the last entry) and its scheme', async () => {
    const res = await appWith(true).request('http://shop.example/who', { headers: FORWARDED })
    expect(await res.json()).toEqual({ ip: '198.51.100.7', https: true })
  })
})
