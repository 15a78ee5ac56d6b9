/**
 * Access after purchase, on each dialect: library and downloads (whole file and Range), foreign
 * and unknown ids refused, a refund revokes, expired access blocks the download.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { type Agent, createTestApp, type TestApp } from '../../../test/harness.js'
import { buyAndPay, buyAndPayWithFaults, settle, tokenFrom } from '../../../test/purchase.js'
import { listGrantsOfSource } from '../entitlements/repo.js'
import { findOrderBySessionId } from '../orders/repo.js'
import { findCatalogFile } from './files.js'

describe.each(DIALECTS)('delivery on %s', (dialect) => {
  let t: TestApp
  let fileBytes: Buffer

  beforeAll(async () => {
    t = await createTestApp({ dialect })
    fileBytes = readFileSync(findCatalogFile(t.deps.catalog, 'field-guide-pdf')?.file.path ?? '')
  })
  afterAll(async () => {
    await t?.close()
  })

  async function buyer(
    price: string,
    email: string,
  ): Promise<{ agent: Agent; token: string; sessionId: string }> {
    const agent = t.agent()
    const { sessionId, successPath } = await buyAndPay(agent, { price, email })
    const token = tokenFrom(await (await agent.request(successPath)).text()) ?? ''
    expect(token).not.toBe('')
    await settle(t)
    return { agent, token, sessionId }
  }

  it('downloads the whole file and byte ranges, and records each download', async () => {
    const { agent } = await buyer('field-guide', `range-${dialect}@example.com`)
    const whole = await agent.request('/download/field-guide-pdf')
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('application/pdf')
    expect(whole.headers.get('content-disposition')).toMatch(/^attachment; filename="field-guide\.pdf"/)
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    expect(Buffer.from(await whole.arrayBuffer()).equals(fileBytes)).toBe(true)

    const part = await agent.request('/download/field-guide-pdf', { headers: { range: 'bytes=10-19' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${fileBytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(fileBytes.subarray(10, 20))).toBe(true)

    const tail = await agent.request('/download/field-guide-pdf', { headers: { range: 'bytes=-5' } })
    expect(tail.status).toBe(206)
    expect(Buffer.from(await tail.arrayBuffer()).equals(fileBytes.subarray(-5))).toBe(true)

    const beyond = await agent.request('/download/field-guide-pdf', {
      headers: { range: `bytes=${fileBytes.length}-` },
    })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${fileBytes.length}`)

    const rows = await t.deps.db.selectFrom('downloads').select(['file_id', 'range']).execute()
    expect(rows.filter((r) => r.file_id === 'field-guide-pdf').map((r) => r.range)).toEqual(
      expect.arrayContaining([null, '10-19', `${fileBytes.length - 5}-${fileBytes.length - 1}`]),
    )
  })

  it('refuses foreign, unknown and path-like ids, and signed-out downloads', async () => {
    const { agent } = await buyer('workshop-notes', `foreign-${dialect}@example.com`)
    const foreign = await agent.request('/download/field-guide-pdf')
    expect(foreign.status).toBe(403)
    expect(await foreign.text()).toContain('data-access="none"')
    expect((await agent.request('/download/no-such-file')).status).toBe(404)
    expect((await agent.request('/download/..%2F..%2Fpackage.json')).status).toBe(404)
    expect((await agent.request('/download/%2Fetc%2Fpasswd')).status).toBe(404)
    const anonymous = await t.agent().request('/download/workshop-notes-pdf')
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
  })

  it('answers a JSON client in the error envelope: 403 NO_ACCESS saying what grants it, 401 signed out', async () => {
    const { agent } = await buyer('workshop-notes', `json-${dialect}@example.com`)
    const json = { headers: { accept: 'application/json' } }
    const refused = await agent.request('/download/field-guide-pdf', json)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/)
    const { error } = (await refused.json()) as { error: Record<string, unknown> }
    expect(error).toMatchObject({
      code: 'NO_ACCESS',
      message: 'Your purchases do not include this yet.',
      details: {
        feature: findCatalogFile(t.deps.catalog, 'field-guide-pdf')?.file.feature,
        access: 'none',
        buy: [{ product: 'The Tollgate Field Guide', price: 'field-guide' }],
      },
    })
    expect(error.details).not.toHaveProperty('plans')
    expect(error.requestId).toMatch(/^req_/)
    const anonymous = await t.agent().request('/download/workshop-notes-pdf', json)
    expect(anonymous.status).toBe(401)
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED')
    const library = await t.agent().request('/library', json)
    expect(library.status).toBe(401)
  })

  it('a full refund revokes the order’s access', async () => {
    const { agent, sessionId } = await buyer('field-guide', `refund-${dialect}@example.com`)
    expect((await agent.request('/download/field-guide-pdf')).status).toBe(200)
    const order = await findOrderBySessionId(t.deps.db, sessionId)
    expect(order?.stripe_payment_intent_id).toMatch(/^pi_/)
    await t.stripe.refunds.create({ payment_intent: order?.stripe_payment_intent_id ?? '' })
    await settle(t)
    expect((await findOrderBySessionId(t.deps.db, sessionId))?.status).toBe('refunded')
    const refused = await agent.request('/download/field-guide-pdf')
    expect(refused.status).toBe(403)
    const refusedHtml = await refused.text()
    expect(refusedHtml).toContain('data-access="revoked"')
    expect(refusedHtml).toContain('This purchase was refunded')
    expect(refusedHtml).toContain('name="price" value="field-guide"')
    const library = await (await agent.request('/library')).text()
    expect(library).toContain('data-access="revoked"')
    expect(library).toMatch(/Access ended on [^<]+: refunded/)
  })

  it('a refund whose event overtakes the purchase’s still ends refunded, without access', async () => {
    const email = `overtaken-${dialect}@example.com`
    const { sessionId } = await buyAndPayWithFaults(t, { drop: true }, { price: 'field-guide', email })
    const session = await t.stripe.checkout.sessions.retrieve(sessionId)
    await t.stripe.refunds.create({ payment_intent: String(session.payment_intent) })
    await settle(t)
    const order = await findOrderBySessionId(t.deps.db, sessionId)
    expect(order?.status).toBe('refunded')
    const grants = await listGrantsOfSource(t.deps.db, { type: 'order', id: order?.id ?? '' })
    expect(grants).toHaveLength(1)
    expect(grants[0]?.revoked_at).not.toBeNull()
  })

  it('a partial refund is recorded and keeps access (documented policy)', async () => {
    const { agent, sessionId } = await buyer('field-guide', `partial-${dialect}@example.com`)
    const order = await findOrderBySessionId(t.deps.db, sessionId)
    await t.stripe.refunds.create({ payment_intent: order?.stripe_payment_intent_id ?? '', amount: 500 })
    await settle(t)
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toMatchObject({
      status: 'partially_refunded',
      amount_refunded: 500,
    })
    expect((await agent.request('/download/field-guide-pdf')).status).toBe(200)
  })

  it('expired access blocks the download and offers to buy again', async () => {
    const email = `expiry-${dialect}@example.com`
    const { agent, token } = await buyer('workshop-notes', email)
    const library = await (await agent.request('/library')).text()
    expect(library).toMatch(/Access until \d{4}-\d{2}-\d{2}/)
    expect((await agent.request('/download/workshop-notes-pdf')).status).toBe(200)

    await t.emulator.clock.advance(31 * 86_400)
    const fresh = t.agent()
    expect((await fresh.postForm('/login', { email, token, intent: 'token' })).status).toBe(303)
    const blocked = await fresh.request('/download/workshop-notes-pdf')
    expect(blocked.status).toBe(403)
    const html = await blocked.text()
    expect(html).toContain('data-access="expired"')
    expect(html).toContain('name="price" value="workshop-notes"')
    expect(await (await fresh.request('/library')).text()).toContain('Access expired')
  })
})
