/**
 * Where the files a store sells are kept, behind one small interface: the local disk (the
 * default: each file at its catalog path, streamed by Node with Range support) or an S3-compatible
 * bucket (`FILES_URL=s3://…`, served by a short-lived presigned redirect, so no file bytes pass
 * through Node). The download route decides access first; the store only says how to deliver.
 * @module
 */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { type DownloadOffload, offloadTarget } from './download-offload.js'
import type { FilesLocation } from './files-url.js'
import { type FileStore, fileSize, objectKey, readLocalSource } from './stored-file.js'

export type { Delivery, FileStore, SoldFile, StoredSource } from './stored-file.js'
export { contentDisposition, fileSize, objectKey } from './stored-file.js'

export function createFileStore(location: FilesLocation, offload?: DownloadOffload): FileStore {
  if (location.kind === 'local') return offload ? offloadedFileStore(offload) : localFileStore
  return lazyS3FileStore(location)
}

/** Files read in 1 MiB chunks: a 64 KiB default meant sixteen times the hops per megabyte. */
const READ_CHUNK = 1024 * 1024

export const localFileStore: FileStore = {
  description: 'the local disk',
  locate: (file) => file.path,
  exists: async (file) => (await fileSize(file.path)) !== undefined,
  readSource: (file) => readLocalSource(file.path),
  async deliver(file) {
    const size = await fileSize(file.path)
    if (size === undefined) return undefined
    return {
      kind: 'stream',
      size,
      path: file.path,
      read: (range) =>
        Readable.toWeb(
          createReadStream(file.path, { ...(range ?? {}), highWaterMark: READ_CHUNK }),
        ) as ReadableStream<Uint8Array>,
    }
  },
}

/** The local disk, with the bytes sent by the web server in front (`DOWNLOAD_OFFLOAD`). */
function offloadedFileStore(offload: DownloadOffload): FileStore {
  return {
    ...localFileStore,
    description: `the local disk, sent by the web server (${offload.header})`,
    async deliver(file) {
      if ((await fileSize(file.path)) === undefined) return undefined
      return { kind: 'offload', header: offload.header, value: offloadTarget(offload, file.path) }
    },
  }
}

/** The AWS SDK is large: it is loaded on the first file operation, never at start. */
function lazyS3FileStore(location: Extract<FilesLocation, { kind: 's3' }>): FileStore {
  let loaded: Promise<FileStore> | undefined
  const store = (): Promise<FileStore> => {
    loaded ??= import('./s3-file-store.js').then((m) => m.createS3FileStore(location))
    return loaded
  }
  return {
    description: `s3://${location.bucket}/${location.prefix}`,
    locate: (file) => `s3://${location.bucket}/${objectKey(location.prefix, file)}`,
    exists: async (file) => (await store()).exists(file),
    readSource: async (file) => (await store()).readSource(file),
    deliver: async (file, download) => (await store()).deliver(file, download),
    upload: async (file) => {
      const s3 = await store()
      return s3.upload ? s3.upload(file) : 'unchanged'
    },
  }
}
