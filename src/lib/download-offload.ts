/**
 * Downloads handed to the web server in front (`DOWNLOAD_OFFLOAD`): Tollgate still decides access
 * and records the download, then answers with a header naming the file, and nginx
 * (`X-Accel-Redirect`, to an `internal` location) or Apache/lighttpd (`X-Sendfile`) sends the bytes
 * with sendfile, Range requests included. Local files only: object storage already redirects.
 * @module
 */

export type DownloadOffload =
  | { header: 'X-Accel-Redirect' /** nginx `internal` location that maps to `/` */; prefix: string }
  | { header: 'X-Sendfile' }

export const DEFAULT_ACCEL_PREFIX = '/_tollgate_files'

/** `x-sendfile`, `x-accel-redirect` or `x-accel-redirect:/prefix`; anything else is refused by config. */
export const DOWNLOAD_OFFLOAD_PATTERN = /^(x-sendfile|x-accel-redirect(:\/[^\s]*)?)$/

export function parseDownloadOffload(value: string | undefined): DownloadOffload | undefined {
  if (value === undefined) return undefined
  if (value === 'x-sendfile') return { header: 'X-Sendfile' }
  const prefix = value.split(':')[1] ?? DEFAULT_ACCEL_PREFIX
  return { header: 'X-Accel-Redirect', prefix: prefix.replace(/\/+$/, '') }
}

/** The header value for an absolute file path: the path itself, or under nginx's prefix (encoded). */
export function offloadTarget(offload: DownloadOffload, absolutePath: string): string {
  if (offload.header === 'X-Sendfile') return absolutePath
  return `${offload.prefix}${absolutePath.split('/').map(encodeURIComponent).join('/')}`
}
