/** Reading back what a PDF's pages draw, for tests of stamped copies. */
import { decodePDFRawStream, PDFDocument, PDFRawStream } from 'pdf-lib'

/** The text each page draws: pdf-lib writes standard-font strings as hex `<…> Tj`. */
export async function pageTexts(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes)
  return pdf.getPages().map((page) => {
    const contents = page.node.Contents()
    const refs = contents && 'asArray' in contents ? contents.asArray() : contents ? [contents] : []
    return refs
      .map((ref) => pdf.context.lookup(ref))
      .filter((s): s is PDFRawStream => s instanceof PDFRawStream)
      .map((s) => Buffer.from(decodePDFRawStream(s).decode()).toString('latin1'))
      .flatMap((ops) =>
        [...ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)].map((m) =>
          Buffer.from(m[1] ?? '', 'hex').toString('latin1'),
        ),
      )
      .join('\n')
  })
}
