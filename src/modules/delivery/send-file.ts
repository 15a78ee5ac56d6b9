/**
 * A file on the local disk written straight to Node's response: the fs read stream piped to the
 * socket in large chunks, with no Web stream (`Readable.toWeb`) and no adapter copying chunk by
 * chunk in between. Only where `@hono/node-server` gives the Node response; the serverless handler
 * and object storage keep the Web-stream `Delivery.read`.
 * @module
 */
import { createReadStream } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { ByteRange } from './range.js'

/**
 * Read size per chunk: 256 KiB. Measured with the benchmark's 100 MB download rows (10 parallel,
 * three rounds on a loaded 2-core machine), Tollgate's RSS grew +1 to +7 MB at 256 KiB, +20 to
 * +30 MB at 1 MiB (each download in flight holds its chunks) and +42 to +92 MB on the old
 * Web-stream path; throughput against nginx did not separate the sizes (within that run's noise).
 */
export const SEND_CHUNK = 256 * 1024

/**
 * Writes the head (merged by Node with the headers already on the response: security headers,
 * request id, `Connection: close` while draining) and pipes the bytes. `pipeline` destroys the
 * file stream when the client goes away mid-download, so its descriptor is closed at once. Returns
 * the adapter's "already sent" marker. Not for HEAD: Hono answers HEAD with a new Response made
 * from the GET one, which the adapter would write a second time.
 */
export function sendLocalFile(
  outgoing: ServerResponse,
  file: { path: string; status: 200 | 206; headers: Record<string, string>; range: ByteRange | undefined },
): Response {
  // Lower-case names in sorted order, as the adapter writes a Web Response's head (a `Headers`
  // object iterates so): the same bytes on the wire as the Web-stream path.
  const head: Record<string, string> = {}
  const names = Object.keys(file.headers).sort((a, b) => a.localeCompare(b))
  for (const name of names) head[name.toLowerCase()] = file.headers[name] as string
  outgoing.writeHead(file.status, head)
  const bytes = createReadStream(file.path, { ...(file.range ?? {}), highWaterMark: SEND_CHUNK })
  // An error here is a client that went away (or a file removed mid-read): the response is
  // already cut by pipeline and there is nobody left to answer.
  pipeline(bytes, outgoing, () => {})
  return RESPONSE_ALREADY_SENT
}
