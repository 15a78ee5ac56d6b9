/**
 * Stamped copies are made on the first download and kept under `<dataDir>/stamped/<file id>/`,
 * keyed by the order, the buyer's email and the source's version (size and time on disk, ETag in
 * a bucket), so a second download (or a Range request resuming the first) serves the same bytes
 * without stamping again, and a replaced source file gets fresh copies. The source is read through
 * the file store, so a store whose files are in object storage stamps the bucket's bytes. Each use
 * dates the copy; the hourly prune deletes copies unused for `STAMPED_COPIES_KEPT_DAYS` (a later
 * download stamps again), so the cache stays bounded by recent buyers.
 * @module
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { Delivery, FileStore, SoldFile, StoredSource } from '../../lib/file-store.js'
import { type Stamp, stampPdf } from './stamp.js'

/** How long a stamped copy nobody downloaded is kept. */
export const STAMPED_COPIES_KEPT_DAYS = 14

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
 * The stamped copy as a stream of known size, or undefined when the source is missing. A stamped
 * file is always sent by Node, never offloaded or redirected, since either would hand out the
 * unstamped original. `now` (the app clock) dates the copy's last use.
 */
export async function stampedDelivery(
  store: Pick<FileStore, 'readSource'>,
  dataDir: string,
  file: SoldFile,
  stamp: Stamp,
  now: Date,
): Promise<StreamDelivery | undefined> {
  const source = await store.readSource(file)
  if (!source) return undefined
  const key = createHash('sha256')
    .update(JSON.stringify([file.id, stamp.reference, stamp.email, source.version]))
    .digest('hex')
    .slice(0, 32)
  const path = join(dataDir, 'stamped', file.id, `${key}.pdf`)
  let size = (await stat(path).catch(() => undefined))?.size
  if (size === undefined) {
    let making = inFlight.get(path)
    if (!making) {
      making = makeCopy(source, path, stamp).finally(() => inFlight.delete(path))
      inFlight.set(path, making)
    }
    await making
    size = (await stat(path)).size
  }
  // Last used now: the prune keeps what buyers still download. A copy pruned meanwhile is made again next time.
  await utimes(path, now, now).catch(() => undefined)
  return {
    kind: 'stream',
    size,
    read: (range) => Readable.toWeb(createReadStream(path, range ?? {})) as ReadableStream<Uint8Array>,
  }
}

async function makeCopy(source: StoredSource, path: string, stamp: Stamp): Promise<string> {
  const bytes = await stampPdf(await source.bytes(), stamp)
  await mkdir(join(path, '..'), { recursive: true })
  // Write then rename: a concurrent reader (another process) never sees half a copy.
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, bytes)
  await rename(temp, path)
  return path
}

/** Deletes stamped copies last used before `cutoff` (and stray temp files); returns how many. */
export async function pruneStampedCopies(dataDir: string, cutoff: Date): Promise<number> {
  const root = join(dataDir, 'stamped')
  const folders = await readdir(root, { withFileTypes: true }).catch(() => [])
  let removed = 0
  for (const folder of folders.filter((f) => f.isDirectory())) {
    const dir = join(root, folder.name)
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name)
      const info = await stat(path).catch(() => undefined)
      if (!info?.isFile() || info.mtimeMs >= cutoff.getTime()) continue
      await rm(path, { force: true })
      removed++
    }
  }
  return removed
}
