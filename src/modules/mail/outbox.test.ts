import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { type Brand, DEFAULT_BRAND } from '../../lib/brand.js'
import { createManualClock } from '../../lib/clock.js'
import type { Mailer, OutgoingMail } from '../../lib/mailer.js'
import { enqueueMail, listDevMail } from './outbox.js'
import { defineMailTemplate, escapeHtml, mailFrame } from './templates.js'
import { MAX_ATTEMPTS, retryDelayMs, sendDueMail } from './worker.js'

const HELLO = defineMailTemplate('test-hello', (data: { name: string }) => ({
  subject: `Hello ${data.name}`,
  text: `Hi ${data.name}, your library: https://shop.example/library`,
  html: mailFrame(`<p>Hi ${escapeHtml(data.name)}</p>`),
}))

/** An SMTP stand-in that fails the first `failures` sends; records what it delivered. */
function flakyMailer(failures: number): Mailer & { sent: OutgoingMail[] } {
  let left = failures
  const sent: OutgoingMail[] = []
  return {
    transport: 'smtp',
    sent,
    async send(mail) {
      if (left-- > 0) throw new Error('connection refused')
      sent.push(mail)
    },
  }
}

describe.each(DIALECTS)('mail outbox on %s', (dialect) => {
  let t: TestDeps
  const clock = createManualClock(new Date('2026-11-22T10:00:00.000Z'))
  const mailCtx = { clock, config: { brand: DEFAULT_BRAND } }
  beforeAll(async () => {
    t = await createTestDeps(dialect, { clock })
  })
  afterAll(() => t.close())

  it('writes mail only when the caller’s transaction commits', async () => {
    const { db } = t.deps
    await db
      .transaction()
      .execute((trx) =>
        enqueueMail(trx, { to: 'Ann@Example.com', template: HELLO, data: { name: 'Ann' } }, mailCtx),
      )
    await expect(
      db.transaction().execute(async (trx) => {
        await enqueueMail(trx, { to: 'bob@example.com', template: HELLO, data: { name: 'Bob' } }, mailCtx)
        throw new Error('business rule failed')
      }),
    ).rejects.toThrow('business rule failed')
    const ann = await listDevMail(db, 'ann@example.com')
    expect(ann).toHaveLength(1)
    expect(ann[0]).toMatchObject({
      subject: 'Hello Ann',
      text: 'Hi Ann, your library: https://shop.example/library\n\n— Tollgate demo store\n',
      status: 'pending',
      data: { name: 'Ann' },
    })
    expect(await listDevMail(db, 'bob@example.com')).toEqual([])
  })

  it('a template that fails to render fails the caller’s transaction, leaving nothing queued', async () => {
    const broken = defineMailTemplate('test-broken', (): never => {
      throw new Error('template bug')
    })
    await expect(
      t.deps.db.transaction().execute(async (trx) => {
        await enqueueMail(trx, { to: 'ok@example.com', template: HELLO, data: { name: 'Ok' } }, mailCtx)
        await enqueueMail(trx, { to: 'x@example.com', template: broken, data: {} }, mailCtx)
      }),
    ).rejects.toThrow('template bug')
    expect(await listDevMail(t.deps.db, 'ok@example.com')).toEqual([])
  })

  it('sends through the dev mailbox and marks rows sent', async () => {
    expect(await sendDueMail(t.deps)).toBe(1)
    const [mail] = await listDevMail(t.deps.db, 'ann@example.com')
    expect(mail?.status).toBe('sent')
    expect(await sendDueMail(t.deps)).toBe(0)
  })

  it('retries a failed send with back-off, then delivers once', async () => {
    const mailer = flakyMailer(2)
    const deps = { ...t.deps, mail: mailer }
    await enqueueMail(deps.db, { to: 'cy@example.com', template: HELLO, data: { name: 'Cy' } }, mailCtx)
    await sendDueMail(deps)
    const row = () =>
      deps.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', 'cy@example.com')
        .executeTakeFirstOrThrow()
    expect(await row()).toMatchObject({ status: 'pending', attempts: 1, last_error: 'connection refused' })
    expect(await sendDueMail(deps)).toBe(0) // not due before the back-off
    clock.advance(retryDelayMs(1))
    await sendDueMail(deps)
    expect(await row()).toMatchObject({ status: 'pending', attempts: 2 })
    clock.advance(retryDelayMs(2))
    // Two senders racing for the same row deliver it once.
    await Promise.all([sendDueMail(deps), sendDueMail(deps)])
    expect(await row()).toMatchObject({ status: 'sent', attempts: 3, transport: 'smtp' })
    expect(mailer.sent.map((m) => m.subject)).toEqual(['Hello Cy'])
  })

  it('gives up after MAX_ATTEMPTS', async () => {
    const deps = { ...t.deps, mail: flakyMailer(Number.POSITIVE_INFINITY) }
    await enqueueMail(deps.db, { to: 'dee@example.com', template: HELLO, data: { name: 'Dee' } }, mailCtx)
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await sendDueMail(deps)
      clock.advance(retryDelayMs(MAX_ATTEMPTS))
    }
    const [mail] = await listDevMail(deps.db, 'dee@example.com')
    expect(mail?.status).toBe('failed')
    // @see issue 9: a given-up mail (perhaps a sign-in link) keeps no body.
    expect(mail?.text).not.toContain('Dee')
    expect(mail?.data).toEqual({})
  })

  it('shows the dev mailbox at /dev/mail in test mode only', async () => {
    const res = await createApp(t.deps).request('/dev/mail?to=ann@example.com')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Hello Ann')
    expect(html).toContain('<a href="https://shop.example/library">https://shop.example/library</a>')
    expect(html).not.toContain('Hello Cy')
    const live = createApp({ ...t.deps, config: { ...t.deps.config, testMode: false } })
    expect((await live.request('/dev/mail')).status).toBe(404)
  })

  it('keeps no body or template data once SMTP has taken a mail (it may hold a one-time secret)', async () => {
    const smtp = flakyMailer(0)
    const deps = { ...t.deps, mail: smtp }
    await deps.db
      .transaction()
      .execute((trx) =>
        enqueueMail(
          trx,
          { to: 'secret@example.com', template: HELLO, data: { name: 'tok_SECRET' } },
          mailCtx,
        ),
      )
    await sendDueMail(deps)
    expect(smtp.sent.map((m) => m.text)).toEqual([
      'Hi tok_SECRET, your library: https://shop.example/library\n\n— Tollgate demo store\n',
    ])
    const [row] = await listDevMail(deps.db, 'secret@example.com')
    expect(row).toMatchObject({ status: 'sent', subject: 'Hello tok_SECRET', data: {} })
    expect(JSON.stringify({ text: row!.text, html: row!.html })).not.toContain('tok_SECRET')
  })

  it('signs every email with the shop’s brand: header, signature and footer links', async () => {
    const brand: Brand = {
      name: 'Ada & Co <Books>',
      accentColor: '#aa3300',
      logoUrl: 'https://cdn.example/logo.png',
      supportEmail: 'help@ada.example',
      termsUrl: 'https://ada.example/terms',
      privacyUrl: 'https://ada.example/privacy',
    }
    await enqueueMail(
      t.deps.db,
      { to: 'brand@example.com', template: HELLO, data: { name: 'Bea' } },
      { clock, config: { brand } },
    )
    const [mail] = await listDevMail(t.deps.db, 'brand@example.com')
    expect(mail?.text).toBe(
      'Hi Bea, your library: https://shop.example/library\n\n— Ada & Co <Books>\nSupport: help@ada.example\nTerms: https://ada.example/terms\nPrivacy: https://ada.example/privacy\n',
    )
    expect(mail?.html).toContain('<img src="https://cdn.example/logo.png" alt="Ada &amp; Co &lt;Books&gt;"')
    expect(mail?.html).toContain('border-bottom:3px solid #aa3300')
    expect(mail?.html).toContain('<a href="mailto:help@ada.example">help@ada.example</a>')
    expect(mail?.html).toContain('<a href="https://ada.example/terms">Terms</a>')
    expect(mail?.html).toContain('<a href="https://ada.example/privacy">Privacy</a>')
    expect(mail?.html).not.toMatch(/tollgate/i)
    expect(mail?.html.indexOf('<p>Hi Bea</p>')).toBeGreaterThan(mail?.html.indexOf('data-brand-header') ?? 0)
  })
})
