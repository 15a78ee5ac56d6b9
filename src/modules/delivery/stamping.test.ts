/**
 * Per-buyer PDF stamping through the real app: a stamped file (`stamp: true`, the demo's Tokyo
 * Edition) is bought with the real SDK against the emulator and downloaded; every page's footer
 * names the buyer and the order, a second download serves the cached copy, another buyer's copy
 * differs, Range requests read the stamped copy, and unstamped files stay byte-identical.
 */
import { mkdtempSync, readdirSync, readFileSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, createTestApp, type TestApp } from '../../../test/harness.js'
import { pageTexts } from '../../../test/pdf-text.js'
import { buyAndPay, settle, tokenFrom } from '../../../test/purchase.js'
import { pruneExpired } from '../../jobs/prune.js'
import { findOrderBySessionId } from '../orders/repo.js'
import { findCatalogFile } from './files.js'
import { stampPdf } from './stamp.js'

describe('stampPdf', () => {
  it('puts the footer on every page and keeps the pages', async () => {
    const pdf = await PDFDocument.create()
    for (let i = 0; i < 3; i++) pdf.addPage([300, 400]).drawText(`page ${i + 1}`, { x: 20, y: 200 })
    const stamped = await stampPdf(await pdf.save(), { email: 'ann@example.com', reference: 'Order ord_1' })
    const texts = await pageTexts(stamped)
    expect(texts).toHaveLength(3)
    for (const [i, text] of texts.entries()) {
      expect(text).toContain(`page ${i + 1}`)
      expect(text).toContain('Licensed to ann@example.com · Order ord_1')
    }
  })

  it('prints characters the standard font cannot encode as ?', async () => {
    const pdf = await PDFDocument.create()
    pdf.addPage()
    const stamped = await stampPdf(await pdf.save(), { email: 'ψ@例え.jp', reference: 'Order ord_2' })
    expect((await pageTexts(stamped))[0]).toContain('Licensed to ?@??.jp · Order ord_2')
  })
})

describe('stamped downloads', () => {
  let t: TestApp
  let dataDir: string
  let source: Buffer

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tg-stamp-'))
    t = await createTestApp({ config: { dataDir } })
    source = readFileSync(findCatalogFile(t.deps.catalog, 'tokyo-edition-pdf')?.file.path ?? '')
  })
  afterAll(async () => {
    await t?.close()
  })

  async function buyer(price: string, email: string): Promise<{ agent: Agent; orderId: string }> {
    const agent = t.agent()
    const { sessionId, successPath } = await buyAndPay(agent, { price, email })
    expect(tokenFrom(await (await agent.request(successPath)).text())).toBeDefined()
    await settle(t)
    const order = await findOrderBySessionId(t.deps.db, sessionId)
    return { agent, orderId: order?.id ?? '' }
  }

  async function download(
    agent: Agent,
    range?: string,
  ): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const res = await agent.request('/download/tokyo-edition-pdf', range ? { headers: { range } } : {})
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
  }

  it('stamps each buyer’s copy, caches it, and answers Range requests from it', async () => {
    expect(findCatalogFile(t.deps.catalog, 'tokyo-edition-pdf')?.file.stamp).toBe(true)
    const ann = await buyer('tokyo-edition-jpy', 'ann-stamp@example.com')
    expect(ann.orderId).not.toBe('')

    const first = await download(ann.agent)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('application/pdf')
    expect(first.headers.get('accept-ranges')).toBe('bytes')
    expect(first.headers.get('content-length')).toBe(String(first.bytes.length))
    expect(first.bytes.equals(source)).toBe(false)
    const texts = await pageTexts(first.bytes)
    expect(texts.length).toBeGreaterThan(0)
    for (const text of texts) {
      expect(text).toContain(`Licensed to ann-stamp@example.com · Order ${ann.orderId}`)
      expect(text).toContain('Tokyo Edition') // the seller's own page content is still there
    }
    // The account lists the access by the file's title, never its internal key.
    const account = await (await ann.agent.request('/account')).text()
    expect(account).toContain('Tokyo Edition (PDF) — purchase, forever')
    expect(account).not.toContain('file:tokyo-edition-pdf —')
    const cached = readdirSync(join(dataDir, 'stamped', 'tokyo-edition-pdf'))
    expect(cached).toHaveLength(1)

    const second = await download(ann.agent)
    expect(second.bytes.equals(first.bytes)).toBe(true)
    expect(readdirSync(join(dataDir, 'stamped', 'tokyo-edition-pdf'))).toEqual(cached)

    const part = await download(ann.agent, 'bytes=100-199')
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${first.bytes.length}`)
    expect(part.bytes.equals(first.bytes.subarray(100, 200))).toBe(true)
    const tail = await download(ann.agent, 'bytes=-32')
    expect(tail.status).toBe(206)
    expect(tail.bytes.equals(first.bytes.subarray(-32))).toBe(true)
    const beyond = await download(ann.agent, `bytes=${first.bytes.length}-`)
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${first.bytes.length}`)

    const bob = await buyer('tokyo-edition-jpy', 'bob-stamp@example.com')
    const bobs = await download(bob.agent)
    expect(bobs.status).toBe(200)
    expect(bobs.bytes.equals(first.bytes)).toBe(false)
    const bobText = (await pageTexts(bobs.bytes)).join('\n')
    expect(bobText).toContain(`Licensed to bob-stamp@example.com · Order ${bob.orderId}`)
    expect(bobText).not.toContain('ann-stamp@example.com')
    expect(readdirSync(join(dataDir, 'stamped', 'tokyo-edition-pdf'))).toHaveLength(2)
  })

  it('serves unstamped files byte-identical to the source, with nothing cached', async () => {
    const { agent } = await buyer('field-guide', 'plain-stamp@example.com')
    const whole = await agent.request('/download/field-guide-pdf')
    expect(whole.status).toBe(200)
    const original = readFileSync(findCatalogFile(t.deps.catalog, 'field-guide-pdf')?.file.path ?? '')
    expect(Buffer.from(await whole.arrayBuffer()).equals(original)).toBe(true)
    expect(readdirSync(join(dataDir, 'stamped'))).toEqual(['tokyo-edition-pdf'])
  })

  it('the hourly prune drops copies not downloaded for two weeks; a later download stamps again', async () => {
    const carol = await buyer('tokyo-edition-jpy', 'carol-stamp@example.com')
    const first = await download(carol.agent)
    const dir = join(dataDir, 'stamped', 'tokyo-edition-pdf')
    expect(readdirSync(dir)).toHaveLength(3) // Ann's, Bob's and Carol's
    const age = (days: number): void => {
      const then = new Date(t.deps.clock.now().getTime() - days * 86_400_000)
      for (const name of readdirSync(dir)) utimesSync(join(dir, name), then, then)
    }
    age(20)
    // Carol downloads again: her copy is dated by that use and survives; Ann's and Bob's go.
    expect((await download(carol.agent)).bytes.equals(first.bytes)).toBe(true)
    await pruneExpired(t.deps)
    expect(readdirSync(dir)).toHaveLength(1)
    age(13)
    await pruneExpired(t.deps)
    expect(readdirSync(dir)).toHaveLength(1)
    age(15)
    await pruneExpired(t.deps)
    expect(readdirSync(dir)).toEqual([])
    const remade = await download(carol.agent)
    expect(remade.status).toBe(200)
    expect((await pageTexts(remade.bytes)).join('\n')).toContain('Licensed to carol-stamp@example.com')
    expect(readdirSync(dir)).toHaveLength(1)
  })

  it('refuses a stamped file to a buyer without access, making no copy', async () => {
    const { agent } = await buyer('workshop-notes', 'other-stamp@example.com')
    const before = readdirSync(join(dataDir, 'stamped', 'tokyo-edition-pdf'))
    expect(before.length).toBeGreaterThan(0)
    expect((await download(agent)).status).toBe(403)
    expect(readdirSync(join(dataDir, 'stamped', 'tokyo-edition-pdf'))).toEqual(before)
  })
})
