/**
 * Demo PDFs for the demo catalog: in test mode, every PDF file the catalog names that does not
 * exist yet is generated (title page + a little text), so `npm start` serves real downloads.
 * @module
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Catalog, CatalogFile } from './types.js'

/** Generates missing PDFs; returns the paths it wrote. */
export async function ensureDemoFiles(catalog: Catalog): Promise<string[]> {
  const written: string[] = []
  for (const file of catalog.products.flatMap((p) => p.files)) {
    if (file.contentType !== 'application/pdf' || existsSync(file.path)) continue
    const bytes = await demoPdf(file)
    mkdirSync(dirname(file.path), { recursive: true })
    // Write then rename, so a concurrent reader (another test worker) never sees half a file.
    const temp = `${file.path}.${process.pid}.tmp`
    writeFileSync(temp, bytes)
    renameSync(temp, file.path)
    written.push(file.path)
  }
  return written
}

export async function demoPdf(file: Pick<CatalogFile, 'id' | 'title'>): Promise<Uint8Array> {
  // pdf-lib is only needed for the demo files: loaded here, not when the server starts.
  const { PDFDocument, rgb, StandardFonts } = await import('pdf-lib')
  const pdf = await PDFDocument.create()
  pdf.setTitle(file.title)
  pdf.setProducer('Tollgate demo')
  // A fixed date keeps the bytes identical between runs, so downloads compare cleanly.
  pdf.setCreationDate(new Date('2026-01-01T00:00:00Z'))
  pdf.setModificationDate(new Date('2026-01-01T00:00:00Z'))
  const font = await pdf.embedFont(StandardFonts.Helvetica)
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold)
  const page = pdf.addPage([595, 842])
  page.drawText(file.title, { x: 56, y: 760, size: 24, font: bold, color: rgb(0.14, 0.33, 0.84) })
  const lines = [
    'This is a demo file sold by the Tollgate demo store.',
    `File id: ${file.id}`,
    'If you can read this, the purchase, the entitlement and the download all worked.',
  ]
  lines.forEach((line, i) => {
    page.drawText(line, { x: 56, y: 710 - i * 22, size: 12, font, color: rgb(0.12, 0.14, 0.16) })
  })
  return pdf.save({ useObjectStreams: false })
}
