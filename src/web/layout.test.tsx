import { Hono } from 'hono'
import { raw } from 'hono/html'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../../test/harness.js'
import type { AppEnv } from '../http/env.js'
import { pageText, renderPage } from './layout.js'

async function Later({ text }: { text: string }) {
  await new Promise((resolve) => setTimeout(resolve, 1))
  return <em>{text}</em>
}

// Characters past U+00FF in the title, the email and the body, on a frame whose test-mode banner
// has one too: the page is sent as bytes made from parts, and must be the text, encoded whole.
const TITLE = 'Café — “Notes” & <more>'
const BODY_TEXT = 'naïve ✓ € 5 & <b>'

describe('renderPage', () => {
  let t: TestDeps
  let app: Hono<AppEnv>
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', t.deps)
        if (c.req.query('signedIn'))
          c.set('customer', {
            id: 'cus_1',
            email: 'zoë+“x”@example.com',
            sessionId: 'ses_1',
            signedInAt: '2026-01-01T00:00:00.000Z',
            emailProven: true,
          })
        await next()
      })
      .get('/markup', (c) => renderPage(c, { title: TITLE }, raw(`<p>${BODY_TEXT}</p>`)))
      .get('/jsx', (c) => renderPage(c, { title: TITLE, status: 402 }, <p>{BODY_TEXT}</p>))
      .get('/async', (c) =>
        renderPage(
          c,
          { title: TITLE },
          <div>
            <Later text={BODY_TEXT} />
          </div>,
        ),
      )
      .get('/text/:body', (c) => {
        const bodies: Record<string, string> = {
          markup: `<p>${BODY_TEXT}</p>`,
          jsx: '<p>naïve ✓ € 5 &amp; &lt;b&gt;</p>',
          async: '<div><em>naïve ✓ € 5 &amp; &lt;b&gt;</em></div>',
        }
        return c.text(pageText(c, TITLE, bodies[c.req.param('body')] as string))
      })
  })
  afterAll(() => t.close())

  for (const path of ['markup', 'jsx', 'async'])
    for (const signedIn of [false, true]) {
      it(`sends the page's text as UTF-8, whole and exact (${path}, ${signedIn ? 'signed in' : 'visitor'})`, async () => {
        const query = signedIn ? '?signedIn=1' : ''
        const res = await app.request(`/${path}${query}`)
        const expected = await (await app.request(`/text/${path}${query}`)).text()
        expect(t.deps.config.testMode).toBe(true)
        expect(res.status).toBe(path === 'jsx' ? 402 : 200)
        expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8')
        const bytes = Buffer.from(await res.arrayBuffer())
        expect(bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true)
        const html = bytes.toString('utf8')
        expect(html).toContain('Café — “Notes” &amp; &lt;more&gt;')
        expect(html).toContain('Test mode</strong> — no real money moves')
        if (signedIn) expect(html).toContain('zoë+“x”@example.com')
        else expect(html).not.toContain('zoë')
      })
    }

  it('sends the same markup object the same way every time (its bytes are kept)', async () => {
    const article = raw(`<article>${BODY_TEXT}</article>`)
    const twice = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', t.deps)
        await next()
      })
      .get('/', (c) => renderPage(c, { title: 'Twice' }, article))
    const first = await (await twice.request('/')).text()
    const second = await (await twice.request('/')).text()
    expect(second).toBe(first)
    expect(first).toContain(`<article>${BODY_TEXT}</article>`)
  })
})
