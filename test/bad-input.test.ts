/**
 * Every route of the app, anonymous and signed in, against malformed query strings, forms and JSON
 * bodies: each answers with a clear 4xx (or a page, or a redirect), never a 500, and nothing
 * reaches Stripe's error path as an unhandled failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Agent, TestApp } from './harness.js'
import { createTestApp } from './harness.js'
import { createMember } from './lifecycle.js'

const FORMS = [
  '',
  'price=',
  'price=nope',
  'price[]=x',
  'price=field-guide&email=not-an-email',
  'price=field-guide&quantity=-1',
  'price=field-guide&quantity=abc',
  'price=membership-monthly',
  'token=x',
  'email=a@b.c&password=x',
  `email=${'a'.repeat(5000)}@example.com`,
  'next=//evil.example',
  'next=javascript:alert(1)',
  'session_id=cs_x',
  'feature=../../etc/passwd',
  '%%%=1',
]

const JSON_BODIES = [
  '',
  '{',
  '[]',
  'null',
  '{"price":1}',
  '{"price":"nope"}',
  '{"price":"field-guide","quantity":"x"}',
  '{"price":"field-guide","quantity":1e9}',
  '{"price":"field-guide","email":5}',
  '{"__proto__":{"polluted":1}}',
]

type Probe = { query?: string; form?: string; json?: string }

function probesFor(method: string): Probe[] {
  if (method === 'GET') return FORMS.map((query) => ({ query }))
  return [...FORMS.map((form) => ({ form })), ...JSON_BODIES.map((json) => ({ json }))]
}

function requestOf(method: string, path: string, probe: Probe): [string, RequestInit] {
  const headers: Record<string, string> = {}
  let body: string | undefined
  if (probe.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = probe.form
  }
  if (probe.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = probe.json
  }
  const url = probe.query !== undefined ? `${path}?${probe.query}` : path
  return [url, { method, headers, ...(body !== undefined ? { body } : {}) }]
}

describe('malformed input on every app route', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('never answers 500, anonymous or signed in', async () => {
    const member = await createMember(t, 'fuzz-member@example.com')
    const clients: Array<[string, Agent]> = [
      ['anonymous', t.agent()],
      ['signed in', await member.agent()],
    ]
    const routes = new Map<string, { method: string; path: string }>()
    for (const r of t.app.routes) {
      if (r.method === 'ALL') continue
      // Path parameters get an unknown id; they are looked up, never used as file paths.
      const path = r.path.replace(/:\w+(\{[^}]*\})?/g, 'zz_missing').replace('*', 'x')
      routes.set(`${r.method} ${path}`, { method: r.method, path })
    }
    const wrong: string[] = []
    const statuses = new Set<number>()
    for (const [who, client] of clients) {
      for (const { method, path } of routes.values()) {
        for (const probe of probesFor(method)) {
          // Sign-out would end the signed-in client's session for the rest of the run.
          if (who === 'signed in' && path === '/logout') continue
          const [url, init] = requestOf(method, path, probe)
          const res = await client.request(url, init)
          statuses.add(res.status)
          if (res.status >= 500) {
            wrong.push(
              `${who} ${method} ${url} ${JSON.stringify(probe)} → ${res.status}: ${(await res.text()).slice(0, 200)}`,
            )
          }
        }
      }
    }
    expect(wrong).toEqual([])
    expect(routes.size).toBeGreaterThan(30)
    // The probes got past authentication and reached validation.
    expect([...statuses]).toEqual(expect.arrayContaining([400, 401, 422]))
  }, 120_000)
})
