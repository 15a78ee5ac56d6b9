/**
 * Stamped copies are made on the first download and kept under `<dataDir>/stamped/<file id>/`,
 * keyed by the order, the buyer's email and the source's size and time, so a second download (or
 * a Range request resuming the first) serves the same bytes without stamping again, and a
 * replaced source file gets fresh copies.
 * @module
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { Delivery, SoldFile } from '../../lib/file-store.js'
import { type Stamp, stampPdf } from './stamp.js'

/** What the footer names: the order that granted the file (or the subscription, for a plan's files). */
export function stampReference(source: { type: string; id: string } | undefined): string {
  if (!source) return 'Order unknown'
  const kind = source.type.charAt(0).toUpperCase() + source.type.slice(1)
  return `${kind} ${source.id}`
}

type StreamDelivery = Extract<Delivery, { kind: 'stream' }>

/** One stamping per copy at a time: concurrent first downloads wait for the same work. */
const inFlight = new Map<string, Promise<string>>()

/**
 * The stamped copy as a stream of known size, or undefined when the source is missing. The source
 * is read from the local disk: a stamped file is always sent by Node, never offloaded or
 * redirected, since either would hand out the unstamped original.
 */
export async function stampedDelivery(
  dataDir: string,
  file: SoldFile,
  stamp: Stamp,
): Promise<StreamDelivery | undefined> {
  const source = await stat(file.path).catch(() => undefined)
  if (!source?.isFile()) return undefined
  const key = createHash('sha256')
    .update(JSON.stringify([file.id, stamp.reference, stamp.email, source.size, source.mtimeMs]))
    .digest('hex')
    .slice(0, 32)
  const path = join(dataDir, 'stamped', file.id, `${key}.pdf`)
  let size = (await stat(path).catch(() => undefined))?.size
  if (size === undefined) {
    let making = inFlight.get(path)
    if (!making) {
      making = makeCopy(file.path, path, stamp).finally(() => inFlight.delete(path))
      inFlight.set(path, making)
    }
    await making
    size = (await stat(path)).size
  }
  return {
    kind: 'stream',
    size,
    read: (range) => Readable.toWeb(createReadStream(path, range ?? {})) as ReadableStream<Uint8Array>,
  }
}

async function makeCopy(sourcePath: string, path: string, stamp: Stamp): Promise<string> {
  const bytes = await stampPdf(await readFile(sourcePath), stamp)
  await mkdir(join(path, '..'), { recursive: true })
  // Write then rename: a concurrent reader (another process) never sees half a copy.
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, bytes)
  await rename(temp, path)
  return path
}
