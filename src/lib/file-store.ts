/**
 * Where the files a store sells are kept, behind one small interface: the local disk (the
 * default: each file at its catalog path, streamed by Node with Range support) or an S3-compatible
 * bucket (`FILES_URL=s3://…`, served by a short-lived presigned redirect, so no file bytes pass
 * through Node). The download route decides access first; the store only says how to deliver.
 * @module
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { FilesLocation } from './files-url.js'

/** What a store needs to know about a catalog file. */
export type SoldFile = { id: string; path: string; contentType: string }

export type Delivery =
  | {
      kind: 'stream'
      size: number
      /** The bytes `start`–`end` (inclusive), or the whole file. */
      read(range?: { start: number; end: number }): ReadableStream<Uint8Array>
    }
  | { kind: 'redirect'; url: string }

export type FileStore = {
  /** For messages: "the local disk" or `s3://bucket/prefix`. */
  readonly description: string
  /** Where a file is (a path or an object key), for messages and `tollgate files push`. */
  locate(file: SoldFile): string
  /** Whether the file is there (doctor, push). */
  exists(file: SoldFile): Promise<boolean>
  /** How to deliver the file to a buyer who may have it; undefined when it is missing. */
  deliver(file: SoldFile, download: { filename: string }): Promise<Delivery | undefined>
  /** Copies the local file to the store (object storage only; the disk store is its own source). */
  upload?(file: SoldFile): Promise<'uploaded' | 'unchanged'>
}

export function createFileStore(location: FilesLocation): FileStore {
  if (location.kind === 'local') return localFileStore
  return lazyS3FileStore(location)
}

export const localFileStore: FileStore = {
  description: 'the local disk',
  locate: (file) => file.path,
  exists: async (file) => (await fileSize(file.path)) !== undefined,
  async deliver(file) {
    const size = await fileSize(file.path)
    if (size === undefined) return undefined
    return {
      kind: 'stream',
      size,
      read: (range) => Readable.toWeb(createReadStream(file.path, range ?? {})) as ReadableStream<Uint8Array>,
    }
  },
}

/** Size of a regular file, or undefined when there is none. */
export async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path)
    return info.isFile() ? info.size : undefined
  } catch {
    return undefined
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
    deliver: async (file, download) => (await store()).deliver(file, download),
    upload: async (file) => {
      const s3 = await store()
      return s3.upload ? s3.upload(file) : 'unchanged'
    },
  }
}

/** `<prefix><file id>/<file name>`: unique by catalog id, readable in a bucket listing. */
export function objectKey(prefix: string, file: SoldFile): string {
  const name = file.path.split(/[\\/]/).pop() ?? file.id
  return `${prefix}${file.id}/${name}`
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}
