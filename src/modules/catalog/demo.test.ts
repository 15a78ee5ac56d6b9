import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { describe, expect, it } from 'vitest'
import { ensureDemoFiles } from './demo.js'
import { parseCatalog } from './load.js'

describe('ensureDemoFiles', () => {
  it('writes each missing PDF once, as a real PDF titled after the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-demo-'))
    const catalog = parseCatalog(
      `products:
  - id: guide
    name: Guide
    files:
      - { id: guide-pdf, title: The Guide, path: files/guide.pdf, contentType: application/pdf }
      - { id: notes, title: Notes, path: files/notes.txt, contentType: text/plain }
`,
      join(dir, 'catalog.yaml'),
    )
    const written = await ensureDemoFiles(catalog)
    const path = join(dir, 'files/guide.pdf')
    expect(written).toEqual([path])
    const bytes = readFileSync(path)
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
    const pdf = await PDFDocument.load(bytes)
    expect(pdf.getTitle()).toBe('The Guide')
    expect(pdf.getPageCount()).toBe(1)

    const modified = statSync(path).mtimeMs
    expect(await ensureDemoFiles(catalog)).toEqual([])
    expect(statSync(path).mtimeMs).toBe(modified)
  })
})
