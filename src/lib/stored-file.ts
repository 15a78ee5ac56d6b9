/**
 * What every file store shares: the store interface, the object key of a catalog file, sizes on
 * disk and the Content-Disposition of a download.
 * @module
 */
import { readFile, stat } from 'node:fs/promises'

/** What a store needs to know about a catalog file. */
export type SoldFile = { id: string; path: string; contentType: string }

export type Delivery =
  | {
      kind: 'stream'
      size: number
      /** The bytes `start`–`end` (inclusive), or the whole file. */
      read(range?: { start: number; end: number }): ReadableStream<Uint8Array>
      /**
       * The file on the local disk, when there is one: on Node the route pipes it to the socket
       * itself (no Web stream in between); `read` stays the way for every other runtime.
       */
      path?: string
    }
  | { kind: 'redirect'; url: string }
  /** The web server in front sends the file: answer with this header and no body. */
  | { kind: 'offload'; header: string; value: string }

/** A file's bytes as the store holds them, for Tollgate to change (per-buyer stamping). */
export type StoredSource = {
  size: number
  /** Changes when the stored file does (modification time on disk, ETag in a bucket). */
  version: string
  bytes(): Promise<Uint8Array>
}

export type FileStore = {
  /** For messages: "the local disk" or `s3://bucket/prefix`. */
  readonly description: string
  /** Where a file is (a path or an object key), for messages and `tollgate files push`. */
  locate(file: SoldFile): string
  /** Whether the file is there (doctor, push). */
  exists(file: SoldFile): Promise<boolean>
  /** How to deliver the file to a buyer who may have it; undefined when it is missing. */
  deliver(file: SoldFile, download: { filename: string }): Promise<Delivery | undefined>
  /** The stored bytes, read through Tollgate (a stamped copy is made from them); undefined when missing. */
  readSource(file: SoldFile): Promise<StoredSource | undefined>
  /** Copies the local file to the store (object storage only; the disk store is its own source). */
  upload?(file: SoldFile): Promise<'uploaded' | 'unchanged'>
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

/** A file on the local disk as a source. */
export async function readLocalSource(path: string): Promise<StoredSource | undefined> {
  const info = await stat(path).catch(() => undefined)
  if (!info?.isFile()) return undefined
  return { size: info.size, version: `${info.size}:${info.mtimeMs}`, bytes: () => readFile(path) }
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
