/**
 * `GET /library` and `GET /download/:id`. Downloads are addressed by catalog file id, served only
 * with a live grant of `file:<id>`, streamed with Range support from the local disk (on Node piped
 * straight to the socket, send-file.ts) or handed to object storage by a short-lived signed
 * redirect (a stamped PDF: the buyer's own copy, always sent by Node); each one is recorded.
 * @module
 */
import { basename } from 'node:path'
import { Hono } from 'hono'
import type { AppEnv } from '../../http/env.js'
import { nodeResponse } from '../../http/outgoing.js'
import { AppError } from '../../lib/errors.js'
import { contentDisposition } from '../../lib/file-store.js'
import { newId } from '../../lib/ids.js'
import { renderPage } from '../../web/layout.js'
import { checkAccess, renderNoAccess, signInFirst } from '../entitlements/index.js'
import { listCustomerLicenses } from '../licenses/index.js'
import { findCatalogFile } from './files.js'
import { listLibrary } from './library.js'
import { LicenseKeys } from './license-views.js'
import { type ByteRange, parseRange } from './range.js'
import { insertDownload } from './repo.js'
import { sendLocalFile } from './send-file.js'
import { stampedDelivery, stampReference } from './stamped-copy.js'
import { LibraryPage } from './views.js'

export const deliveryRoutes = new Hono<AppEnv>()
  .get('/library', async (c) => {
    const customer = c.get('customer')
    if (!customer) return signInFirst(c, '/library')
    const items = await listLibrary(c.get('deps'), customer.id)
    const licenses = await listCustomerLicenses(c.get('deps'), customer.id)
    c.header('Cache-Control', 'private, no-store')
    return renderPage(
      c,
      { title: 'Your library' },
      <>
        <LibraryPage items={items} email={customer.email} hasLicenses={licenses.length > 0} />
        <LicenseKeys licenses={licenses} />
      </>,
    )
  })
  .get('/download/:id', async (c) => {
    const deps = c.get('deps')
    const id = c.req.param('id')
    const entry = findCatalogFile(deps.catalog, id)
    if (!entry) throw new AppError('FILE_NOT_FOUND')
    const customer = c.get('customer')
    if (!customer) return signInFirst(c, `/download/${encodeURIComponent(id)}`)
    const now = deps.clock.now()
    const decision = await checkAccess(deps.db, customer.id, entry.file.feature, now)
    if (!decision.allowed) return renderNoAccess(c, entry.file.feature, decision)
    const delivery = entry.file.stamp
      ? await stampedDelivery(
          deps.files,
          deps.config.dataDir,
          entry.file,
          { email: customer.email, reference: stampReference(decision.source) },
          now,
        )
      : await deps.files.deliver(entry.file, { filename: basename(entry.file.path) })
    if (!delivery) {
      deps.log.error({ fileId: id, location: deps.files.locate(entry.file) }, 'catalog file missing')
      throw new AppError('FILE_NOT_FOUND')
    }
    const record = (range: ByteRange | undefined): Promise<void> =>
      insertDownload(deps.db, {
        id: newId('dl', now.getTime()),
        customer_id: customer.id,
        file_id: id,
        grant_id: decision.source?.grantId ?? null,
        range: range ? `${range.start}-${range.end}` : null,
        created_at: now.toISOString(),
      })
    if (delivery.kind === 'offload') {
      // nginx / Apache send the file (and answer Range requests); we have decided and recorded.
      await record(undefined)
      return c.body(null, 200, {
        [delivery.header]: delivery.value,
        'Content-Type': entry.file.contentType,
        'Content-Disposition': contentDisposition(basename(entry.file.path)),
        'Cache-Control': 'private, no-store',
      })
    }
    if (delivery.kind === 'redirect') {
      // Object storage: a short-lived signed link; the bucket answers Range requests itself.
      await record(undefined)
      c.header('Cache-Control', 'private, no-store')
      return c.redirect(delivery.url, 302)
    }
    const { size } = delivery
    const range = parseRange(c.req.header('range'), size)
    if (range === 'unsatisfiable') return c.body(null, 416, { 'Content-Range': `bytes */${size}` })
    await record(range)
    const headers: Record<string, string> = {
      'Content-Type': entry.file.contentType,
      'Content-Disposition': contentDisposition(basename(entry.file.path)),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, no-store',
      'Content-Length': String(range ? range.end - range.start + 1 : size),
    }
    if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`
    const status = range ? 206 : 200
    // HEAD: the same head through Hono, and no file opened for a body nobody sends.
    if (c.req.method === 'HEAD') return c.body(null, status, headers)
    const outgoing = nodeResponse(c)
    if (outgoing && delivery.path !== undefined) {
      return sendLocalFile(outgoing, { path: delivery.path, size, status, headers, range })
    }
    return c.body(delivery.read(range), status, headers)
  })
