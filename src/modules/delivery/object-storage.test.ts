/**
 * Files in object storage (FILES_URL=s3://bucket/prefix), against a real S3-compatible server
 * (s3rver) started here: `tollgate files push` uploads the catalog's files and reports missing
 * ones; a download is the same entitlement check, then a short-lived presigned redirect that the
 * bucket answers (whole file and Range), with nothing streamed through Tollgate.
 * @see issue 10
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { PDFDocument } from 'pdf-lib'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { pageTexts } from '../../../test/pdf-text.js'
import { buyAndPay, settle } from '../../../test/purchase.js'
import { runCli } from '../../cli/index.js'
import { loadConfig } from '../../config.js'
import { createFileStore, objectKey } from '../../lib/file-store.js'
import { findCatalogFile } from './files.js'

const BUCKET = 'tollgate-files'
/** Each dialect's run stores its files under a prefix of its own in the one server. */
let prefix = 'shop/'

let s3: S3rver
let endpoint: string
let catalogPath: string

/** The environment of a store whose files are in the local S3 server. */
function s3Env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    FILES_URL: `s3://${BUCKET}/${prefix}`,
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    CATALOG: catalogPath,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tg-s3-data-')),
    LOG_LEVEL: 'silent',
    ...extra,
  }
}

function s3Client(): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })
}

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const lines: string[] = []
  const code = await runCli(args, { env, out: (l) => lines.push(l), err: (l) => lines.push(l) })
  return { code, out: lines.join('\n') }
}

beforeAll(async () => {
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: mkdtempSync(join(tmpdir(), 'tg-s3rver-')),
    configureBuckets: [{ name: BUCKET }],
  })
  const { port } = await s3.run()
  endpoint = `http://127.0.0.1:${port}`
  // The demo catalog, next to its (generated) files.
  const dir = mkdtempSync(join(tmpdir(), 'tg-s3-catalog-'))
  catalogPath = join(dir, 'catalog.yaml')
  copyFileSync(resolve('catalog.yaml'), catalogPath)
})
afterAll(async () => {
  await s3?.close()
})

describe.each(DIALECTS)('files in object storage on %s', (dialect) => {
  let t: TestApp
  let pdf: Buffer

  beforeAll(async () => {
    prefix = `shop-${dialect}/`
    const { files } = loadConfig(s3Env())
    t = await createTestApp({ dialect, config: { catalogPath, files } })
    pdf = readFileSync(findCatalogFile(t.deps.catalog, 'field-guide-pdf')?.file.path ?? '')
  })
  afterAll(async () => {
    await t?.close()
  })

  it('`tollgate files push` uploads every file once, then finds them unchanged', async () => {
    const first = await cli(['files', 'push'], s3Env())
    expect(first.code, first.out).toBe(0)
    expect(first.out).toMatch(/^files: 1\/\d+ field-guide-pdf \(\d+\.\d MB\)…$/m)
    expect(first.out).toMatch(
      /uploaded\s+field-guide-pdf\s+→ s3:\/\/tollgate-files\/shop-\w+\/field-guide-pdf\/field-guide\.pdf/,
    )
    const again = await cli(['files', 'push', '--json'], s3Env())
    expect(again.code).toBe(0)
    const report = JSON.parse(again.out) as { files: { result: string }[]; missing: number }
    expect(report.missing).toBe(0)
    expect(new Set(report.files.map((f) => f.result))).toEqual(new Set(['unchanged']))
  })

  it('a buyer is redirected to a short-lived signed link, which serves the file and byte ranges', async () => {
    const agent = t.agent()
    const { successPath } = await buyAndPay(agent, {
      price: 'field-guide',
      email: `s3-${dialect}@example.com`,
    })
    expect((await agent.request(successPath)).status).toBe(200)
    await settle(t)

    const res = await agent.request('/download/field-guide-pdf')
    expect(res.status).toBe(302)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const link = new URL(res.headers.get('location') ?? '')
    expect(link.origin).toBe(endpoint)
    expect(link.pathname).toBe(`/${BUCKET}/${prefix}field-guide-pdf/field-guide.pdf`)
    expect(link.searchParams.get('X-Amz-Expires')).toBe('300')

    const whole = await fetch(link)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('application/pdf')
    expect(whole.headers.get('content-disposition')).toContain('filename="field-guide.pdf"')
    expect(Buffer.from(await whole.arrayBuffer()).equals(pdf)).toBe(true)
    const part = await fetch(link, { headers: { range: 'bytes=10-19' } })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer()).equals(pdf.subarray(10, 20))).toBe(true)

    const rows = await t.deps.db.selectFrom('downloads').select(['file_id', 'range']).execute()
    expect(rows).toEqual([{ file_id: 'field-guide-pdf', range: null }])
  })

  it('a stamped PDF is made from the bucket’s object and sent by Tollgate, never redirected', async () => {
    const file = findCatalogFile(t.deps.catalog, 'tokyo-edition-pdf')?.file
    if (!file?.stamp) throw new Error('no stamped file in the demo catalog')
    // The bucket's object differs from the file on disk: the buyer's copy must be the bucket's.
    const doc = await PDFDocument.create()
    doc.addPage([300, 300]).drawText('Printed from the bucket', { x: 20, y: 150 })
    await s3Client().send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: objectKey(prefix, file),
        Body: await doc.save(),
        ContentType: 'application/pdf',
      }),
    )
    const agent = await buyer(`s3-stamp-${dialect}@example.com`, 'tokyo-edition-jpy')
    const res = await agent.request('/download/tokyo-edition-pdf')
    expect(res.status).toBe(200)
    expect(res.headers.get('location')).toBeNull()
    const texts = await pageTexts(Buffer.from(await res.arrayBuffer()))
    expect(texts).toHaveLength(1)
    expect(texts[0]).toContain('Printed from the bucket')
    expect(texts[0]).toContain(`Licensed to s3-stamp-${dialect}@example.com · Order ord_`)
    const part = await agent.request('/download/tokyo-edition-pdf', { headers: { range: 'bytes=0-4' } })
    expect(part.status).toBe(206)
    expect(await part.text()).toBe('%PDF-')
  })

  it('refuses without access (no link handed out) and answers 404 for an object missing from the bucket', async () => {
    const stranger = await buyer(`s3-stranger-${dialect}@example.com`, 'workshop-notes')
    const refused = await stranger.request('/download/field-guide-pdf')
    expect(refused.status).toBe(403)
    expect(refused.headers.get('location')).toBeNull()

    const file = findCatalogFile(t.deps.catalog, 'workshop-notes-pdf')?.file
    if (!file) throw new Error('no workshop notes in the demo catalog')
    await s3Client().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: objectKey(prefix, file) }))
    expect((await stranger.request('/download/workshop-notes-pdf')).status).toBe(404)
    expect(await createFileStore(loadConfig(s3Env()).files).exists(file)).toBe(false)
    // Push puts it back.
    expect((await cli(['files', 'push'], s3Env())).out).toMatch(/uploaded\s+workshop-notes-pdf/)
    expect((await stranger.request('/download/workshop-notes-pdf')).status).toBe(302)
  })

  async function buyer(email: string, price: string): Promise<ReturnType<TestApp['agent']>> {
    const agent = t.agent()
    const { successPath } = await buyAndPay(agent, { price, email })
    expect((await agent.request(successPath)).status).toBe(200)
    await settle(t)
    return agent
  }
})

describe('tollgate files push without every file', () => {
  it('reports each missing file and exits 1; without FILES_URL there is nothing to push', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-s3-missing-'))
    const catalog = join(dir, 'catalog.yaml')
    writeFileSync(
      catalog,
      `products:\n  - id: lost\n    name: Lost\n    files:\n      - { id: lost-pdf, title: Lost, path: files/lost.pdf, contentType: application/pdf }\nprices:\n  - { lookupKey: lost, product: lost, currency: usd, amount: 100 }\n`,
    )
    const res = await cli(['files', 'push'], s3Env({ CATALOG: catalog }))
    expect(res.code).toBe(1)
    expect(res.out).toContain(`missing   lost-pdf  (no file at ${join(dir, 'files/lost.pdf')})`)
    expect(res.out).toContain('1 file(s) missing on disk.')
    const local = await cli(['files', 'push'], { CATALOG: catalog, DATA_DIR: dir })
    expect(local.code).toBe(1)
    expect(local.out).toContain('FILES_URL is not set')
    expect((await cli(['files', 'pull'], s3Env())).code).toBe(2)
  })

  it('doctor: storage that does not answer is not fixed by pushing, and says what to check', async () => {
    const res = await cli(['doctor', '--json'], s3Env({ S3_ENDPOINT: 'http://127.0.0.1:9' }))
    const report = JSON.parse(res.out.slice(res.out.indexOf('{'))) as {
      checks: { name: string; status: string; fix?: string }[]
    }
    const files = report.checks.find((c) => c.name === 'files')
    expect(files?.status).toBe('fail')
    expect(files?.fix).toContain('files push does not create it')
  }, 60_000)
})
