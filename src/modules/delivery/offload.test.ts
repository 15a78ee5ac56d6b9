/**
 * DOWNLOAD_OFFLOAD: access is decided and the download recorded by Tollgate, the bytes are left
 * to the web server in front (a header naming the file, no body); no grant, no header.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { ConfigError, loadConfig } from '../../config.js'
import { createFileStore } from '../../lib/file-store.js'
import { generateToken, hashToken } from '../../lib/tokens.js'
import { ensureDemoFiles } from '../catalog/index.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { insertSession } from '../customers/repo.js'
import { grantFeature } from '../entitlements/grants.js'
import { findCatalogFile } from './files.js'

describe('downloads offloaded to the web server', () => {
  let t: TestDeps
  const cookies: Record<string, string> = {}
  let path: string

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    await ensureDemoFiles(t.deps.catalog)
    path = findCatalogFile(t.deps.catalog, 'field-guide-pdf')?.file.path ?? ''
    const now = t.deps.clock.now()
    for (const who of ['owner', 'stranger']) {
      const customer = await findOrCreateCustomerByEmail(t.deps.db, `${who}@example.com`, now)
      const token = generateToken()
      await insertSession(t.deps.db, {
        id: `ses_${who}`,
        customer_id: customer.id,
        token_hash: hashToken(token),
        created_at: now.toISOString(),
        expires_at: '2999-01-01T00:00:00.000Z',
        proof: null,
      })
      cookies[who] = `tollgate_session=${token}`
      if (who === 'owner') {
        for (const feature of ['file:field-guide-pdf', 'file:tokyo-edition-pdf']) {
          await grantFeature(t.deps.db, {
            customerId: customer.id,
            feature,
            source: { type: 'manual', id: 'test' },
            startsAt: now,
            endsAt: null,
            now,
          })
        }
      }
    }
  })
  afterAll(() => t.close())

  const download = (setting: string, who: string) => {
    const offload = loadConfig({
      SESSION_SECRET: 'test-session-secret-0123456789abcdef',
      DOWNLOAD_OFFLOAD: setting,
    }).downloadOffload
    const app = createApp({ ...t.deps, files: createFileStore({ kind: 'local' }, offload) })
    return app.request('http://localhost/download/field-guide-pdf', {
      headers: { cookie: cookies[who] as string },
    })
  }

  it('names the file under the nginx internal prefix in X-Accel-Redirect, with no body', async () => {
    const res = await download('x-accel-redirect:/protected/', 'owner')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-accel-redirect')).toBe(`/protected${path}`)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="field-guide\.pdf"/)
    expect(await res.text()).toBe('')
    const rows = await t.deps.db.selectFrom('downloads').selectAll().execute()
    expect(rows.map((r) => r.file_id)).toEqual(['field-guide-pdf'])
  })

  it('sends a stamped PDF itself: the web server would hand out the unstamped original', async () => {
    const offload = loadConfig({
      SESSION_SECRET: 'test-session-secret-0123456789abcdef',
      DOWNLOAD_OFFLOAD: 'x-accel-redirect:/protected/',
    }).downloadOffload
    const config = { ...t.deps.config, dataDir: mkdtempSync(join(tmpdir(), 'tg-offload-stamp-')) }
    const app = createApp({ ...t.deps, config, files: createFileStore({ kind: 'local' }, offload) })
    const res = await app.request('http://localhost/download/tokyo-edition-pdf', {
      headers: { cookie: cookies.owner as string },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-accel-redirect')).toBeNull()
    const bytes = Buffer.from(await res.arrayBuffer())
    const source = readFileSync(findCatalogFile(t.deps.catalog, 'tokyo-edition-pdf')?.file.path ?? '')
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(bytes.equals(source)).toBe(false)
  })

  it('uses /_tollgate_files by default, and the plain path for X-Sendfile', async () => {
    expect((await download('x-accel-redirect', 'owner')).headers.get('x-accel-redirect')).toBe(
      `/_tollgate_files${path}`,
    )
    const sendfile = await download('x-sendfile', 'owner')
    expect(sendfile.headers.get('x-sendfile')).toBe(path)
    expect(sendfile.headers.get('x-accel-redirect')).toBeNull()
  })

  it('refuses a customer without the grant and names no file', async () => {
    const res = await download('x-accel-redirect', 'stranger')
    expect(res.status).toBe(403)
    expect(res.headers.get('x-accel-redirect')).toBeNull()
  })

  it('refuses any other setting at start, naming it', () => {
    expect(() =>
      loadConfig({ SESSION_SECRET: 'test-session-secret-0123456789abcdef', DOWNLOAD_OFFLOAD: 'nginx' }),
    ).toThrow(ConfigError)
    expect(() =>
      loadConfig({ SESSION_SECRET: 'test-session-secret-0123456789abcdef', DOWNLOAD_OFFLOAD: 'nginx' }),
    ).toThrow(/DOWNLOAD_OFFLOAD/)
  })
})
