/**
 * Per-buyer PDF stamping: a footer line on every page naming the buyer and the order, so a copy
 * that leaks can be traced back. pdf-lib (pure JS, maintained, already used for the demo files)
 * parses and rewrites the PDF; it is loaded on the first stamped download, never at start.
 * @module
 */

export type Stamp = { email: string; reference: string }

/** The footer as printed: the standard fonts encode WinAnsi only, so anything else becomes '?'. */
export function footerText(stamp: Stamp): string {
  return `Licensed to ${stamp.email} · ${stamp.reference}`.replace(/[^\x20-\x7e\xa0-\xff]/g, '?')
}

export async function stampPdf(source: Uint8Array, stamp: Stamp): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts, rgb } = await import('pdf-lib')
  // updateMetadata: false keeps the seller's title, producer and dates as they were.
  const pdf = await PDFDocument.load(source, { updateMetadata: false })
  const font = await pdf.embedFont(StandardFonts.Helvetica)
  const text = footerText(stamp)
  const size = 8
  for (const page of pdf.getPages()) {
    const { x, y, width } = page.getCropBox()
    const textWidth = font.widthOfTextAtSize(text, size)
    page.drawText(text, {
      x: x + Math.max(12, (width - textWidth) / 2),
      y: y + 14,
      size,
      font,
      color: rgb(0.35, 0.37, 0.4),
    })
  }
  return pdf.save()
}
