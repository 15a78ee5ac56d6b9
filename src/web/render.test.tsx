import { AsyncLocalStorage } from 'node:async_hooks'
import { raw } from 'hono/html'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { type Agent, createAgent, createTestDeps, type TestDeps } from '../../test/harness.js'
import { createApp } from '../app.js'
import { hashPassword } from '../modules/accounts/passwords.js'
import { findOrCreateCustomerByEmail } from '../modules/customers/customers.js'
import { setPasswordHash } from '../modules/customers/repo.js'
import { grantManually } from '../modules/members/manual-grants.js'
import { escapeHtml, renderHtml } from './render.js'

function Card({ title, children }: { title: string; children?: unknown }) {
  return (
    <article class="card" data-title={title}>
      <h2>{title}</h2>
      {children}
    </article>
  )
}

async function AsyncPart({ text }: { text: string }) {
  await new Promise((resolve) => setTimeout(resolve, 1))
  return <em>{text}</em>
}

describe('escapeHtml', () => {
  it('escapes text as hono/jsx escapes a text child and an attribute, with or without anything to escape', () => {
    const alphabet = ['a', 'Z', ' ', '·', '—', '&', '<', '>', '"', "'", '&amp;', '@', '.']
    let seed = 7
    const pick = (): string => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return alphabet[seed % alphabet.length] as string
    }
    const texts = ['', 'Premium articles · Tollgate', 'buyer@example.com', "O'Brien & <Sons>"]
    for (let n = 0; n < 500; n++) texts.push(Array.from({ length: n % 12 }, pick).join(''))
    let escaped = 0
    for (const text of texts) {
      expect(`<p title="${escapeHtml(text)}">${escapeHtml(text)}</p>`).toBe(
        renderHtml(<p title={text}>{text}</p>),
      )
      if (escapeHtml(text) !== text) escaped++
    }
    // Both ways through it were taken, many times each.
    expect(escaped).toBeGreaterThan(100)
    expect(texts.length - escaped).toBeGreaterThan(50)
  })
})

describe('renderHtml', () => {
  it('renders as hono/jsx toString does: escaping, attributes, fragments, raw text, components', () => {
    const tree = (
      <>
        {raw('<!doctype html>')}
        <Card title={`"quoted" & <b>`}>
          <p>{'a < b & c > d'}</p>
          <input type="email" name="email" required />
          {[1, 2].map((n) => (
            <span>{n}</span>
          ))}
          {null}
          {false}
        </Card>
      </>
    )
    expect(renderHtml(tree)).toBe(String(tree.toString()))
    expect(renderHtml(tree)).toContain('data-title="&quot;quoted&quot; &amp; &lt;b&gt;"')
  })

  it('gives a promise for a tree with an async component, with the same text', async () => {
    const tree = (
      <div>
        <AsyncPart text="later & safe" />
      </div>
    )
    const html = renderHtml(tree)
    expect(html).toBeInstanceOf(Promise)
    expect(await html).toBe('<div><em>later &amp; safe</em></div>')
  })
})

/**
 * On Node 20 the first AsyncLocalStorage run turns on promise hooks for the whole process, which
 * every request then pays for. hono/jsx's own `toString()` does such a run; our pages must not.
 */
describe('pages render without an AsyncLocalStorage', () => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let origin: string
  let reader: Agent
  const runs = vi.spyOn(AsyncLocalStorage.prototype, 'run')
  const enters = vi.spyOn(AsyncLocalStorage.prototype, 'enterWith')

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    app = createApp(t.deps)
    origin = t.deps.config.publicUrl
    const customer = await findOrCreateCustomerByEmail(t.deps.db, 'render@example.com', t.deps.clock.now())
    await setPasswordHash(t.deps.db, customer.id, await hashPassword('render password'))
    await t.deps.db
      .transaction()
      .execute((trx) =>
        grantManually(t.deps, trx, { email: 'render@example.com', feature: 'premium', reason: 'test' }),
      )
    reader = createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)
    await reader.postForm('/signin', { email: 'render@example.com', password: 'render password' })
  })
  beforeEach(() => {
    runs.mockClear()
    enters.mockClear()
  })
  afterAll(async () => {
    runs.mockRestore()
    enters.mockRestore()
    await t.close()
  })

  const anonymous = (path: string) =>
    app.request(new URL(path, origin).href, { headers: { accept: 'text/html' } })

  it.each([
    ['/', 200],
    ['/pricing', 200],
    ['/login', 200],
    ['/no-such-page', 404],
    ['/api/v1/docs', 200],
  ])('anonymous %s', async (path, status) => {
    const res = await anonymous(path)
    expect(res.status).toBe(status)
    expect(await res.text()).toContain('<html')
    expect(runs).not.toHaveBeenCalled()
    expect(enters).not.toHaveBeenCalled()
  })

  it.each(['/', '/premium', '/members', '/library', '/account', '/pricing'])('signed in %s', async (path) => {
    const res = await reader.request(path)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('render@example.com')
    expect(runs).not.toHaveBeenCalled()
    expect(enters).not.toHaveBeenCalled()
  })
})
