/**
 * Downloads from the local disk as they leave a real Node server (`@hono/node-server` with the
 * Node response, as start.ts runs it): the file piped straight to the socket carries exactly the
 * head the Web-stream path sends (the harness server, which passes no Node response), for whole,
 * ranged, unsatisfiable and HEAD requests, down to the names' case and order on the wire; a
 * client that reads slowly still gets every byte as it is on disk (the two read buffers are reused
 * only once the kernel has what was written from them); a client that goes away mid-download
 * closes the file at once (no descriptor left open); and a file cut short mid-download cuts the
 * response instead of ending it short.
 */
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import type { Server } from 'node:http'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { type Agent, createAgent, createTestApp, type TestApp } from '../../../test/harness.js'
import { buyAndPay, eventually, settle, tokenFrom } from '../../../test/purchase.js'

/** Far more than a loopback socket's buffers and a read chunk: a stalled client holds the file open. */
const SIZE = 48 * 1024 * 1024

/** The demo catalog with the field guide's file swapped for a large one. */
function bigCatalog(): { dir: string; catalogPath: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tg-send-file-'))
  const file = join(dir, 'field-guide.pdf')
  const fd = openSync(file, 'w')
  const chunk = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < SIZE / chunk.length; i++) writeSync(fd, chunk.fill(i % 251))
  closeSync(fd)
  const yaml = readFileSync('catalog.yaml', 'utf8').replaceAll('data/files/field-guide.pdf', file)
  const catalogPath = join(dir, 'catalog.yaml')
  writeFileSync(catalogPath, yaml)
  return { dir, catalogPath, file }
}

/** Descriptors of this process (the test server runs in it) open on `path`. */
function openOn(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path
    } catch {
      return false
    }
  }).length
}

describe.each(DIALECTS)('download piped to the Node response on %s', (dialect) => {
  let t: TestApp
  let server: Server
  let nodeUrl: string
  let dir: string
  let file: string
  let bytes: Buffer
  let viaNode: Agent
  let viaWeb: Agent

  beforeAll(async () => {
    const big = bigCatalog()
    dir = big.dir
    file = big.file
    bytes = readFileSync(file)
    t = await createTestApp({ dialect, config: { catalogPath: big.catalogPath } })
    // As start.ts serves the app: the adapter hands the Node response to the app.
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }) as unknown as Server
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)))
    nodeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    const buyer = t.agent()
    const { successPath } = await buyAndPay(buyer, {
      price: 'field-guide',
      email: `pipe-${dialect}@example.com`,
    })
    expect(tokenFrom(await (await buyer.request(successPath)).text())).toBeDefined()
    await settle(t)
    const over = (base: string): Agent => {
      const agent = createAgent((path, init) => fetch(new URL(path, base), init), base)
      for (const [name, value] of buyer.cookies) agent.cookies.set(name, value)
      return agent
    }
    viaNode = over(nodeUrl)
    viaWeb = over(t.url)
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    await t?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** The head as it goes over the wire (names' case and order too), without the date. */
  async function rawHead(base: string, method: string, range: string | undefined): Promise<string> {
    const url = new URL(base)
    const socket = connect(Number(url.port), url.hostname)
    const cookie = [...viaNode.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const extra = range ? `Range: ${range}\r\n` : ''
    socket.write(
      `${method} /download/field-guide-pdf HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie}\r\n` +
        `X-Request-Id: req-send-file-test\r\n${extra}\r\n`,
    )
    let text = ''
    for await (const chunk of socket) {
      text += (chunk as Buffer).toString('latin1')
      if (text.includes('\r\n\r\n')) break
    }
    socket.destroy()
    return text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\ndate: [^\r]*/i, '')
  }

  /** Every header but the date, as a sorted list. */
  const head = (res: Response): [string, string][] =>
    [...res.headers].filter(([name]) => name !== 'date').sort(([a], [b]) => a.localeCompare(b))

  it.each([
    ['GET', undefined, 200, [0, SIZE]],
    ['GET', 'bytes=1048570-2097160', 206, [1048570, 2097161]],
    ['GET', 'bytes=-5', 206, [SIZE - 5, SIZE]],
    ['GET', `bytes=${SIZE}-`, 416, undefined],
    ['HEAD', undefined, 200, undefined],
    ['HEAD', 'bytes=10-19', 206, undefined],
  ] as const)(
    '%s with range %s: same status, head and bytes as the Web-stream path',
    async (method, range, status, slice) => {
      const init = (): RequestInit => ({
        method,
        headers: { 'x-request-id': 'req-send-file-test', ...(range ? { range } : {}) },
      })
      const node = await viaNode.request('/download/field-guide-pdf', init())
      const web = await viaWeb.request('/download/field-guide-pdf', init())
      expect(node.status).toBe(status)
      expect(web.status).toBe(status)
      expect(head(node)).toEqual(head(web))
      // On the wire, names' case and order included: a piped GET's head against the HEAD's, which
      // the adapter writes from a Web Response as it wrote every download's head before.
      if (method === 'GET' && status !== 416) {
        expect(await rawHead(nodeUrl, 'GET', range)).toBe(await rawHead(nodeUrl, 'HEAD', range))
      }
      expect(node.headers.get('content-security-policy') ?? node.headers.get('x-frame-options')).toBeTruthy()
      const [nodeBody, webBody] = [
        Buffer.from(await node.arrayBuffer()),
        Buffer.from(await web.arrayBuffer()),
      ]
      expect(nodeBody.equals(webBody)).toBe(true)
      if (slice) expect(nodeBody.equals(bytes.subarray(slice[0], slice[1]))).toBe(true)
      else expect(nodeBody.length).toBe(0)
    },
  )

  /** A raw GET of the file; resolves to the socket once the head has arrived. */
  async function rawDownload(): Promise<{ socket: Socket; received: Buffer[] }> {
    const { port } = server.address() as AddressInfo
    const socket = connect(port, '127.0.0.1')
    const cookie = [...viaNode.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    socket.write(`GET /download/field-guide-pdf HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`)
    const received: Buffer[] = []
    await new Promise<void>((resolve) =>
      socket.once('data', (chunk: Buffer) => {
        received.push(chunk)
        resolve()
      }),
    )
    return { socket, received }
  }

  /** The body of a raw response (everything after the head). */
  const bodyOf = (received: Buffer[]): Buffer => {
    const all = Buffer.concat(received)
    return all.subarray(all.indexOf('\r\n\r\n') + 4)
  }

  it('a client that reads slowly gets every byte as it is on disk', async () => {
    const { socket, received } = await rawDownload()
    // Stop reading for a while every 4 MB: the server is held by backpressure with a chunk in
    // each buffer, and a buffer refilled too early would put other bytes on the wire.
    let sincePause = 0
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk)
      sincePause += chunk.length
      if (sincePause < 4 * 1024 * 1024) return
      sincePause = 0
      socket.pause()
      setTimeout(() => socket.resume(), 30)
    })
    await eventually(async () => (bodyOf(received).length >= SIZE ? true : undefined), 30_000)
    socket.destroy()
    const body = bodyOf(received)
    expect(body.length).toBe(SIZE)
    expect(body.equals(bytes)).toBe(true)
  })

  it('a file cut short mid-download cuts the response, and the file is closed', async () => {
    const before = openOn(file)
    // Idle connections kept for a minute (this test only: the other tests compare heads, which
    // carry the keep-alive timeout), so a connection closed at once was closed by the download.
    const keepAlive = server.keepAliveTimeout
    server.keepAliveTimeout = 60_000
    const { socket, received } = await rawDownload()
    // The client stops reading at once, so the server waits on backpressure early in the file.
    socket.pause()
    await eventually(async () => (openOn(file) > before ? true : undefined))
    try {
      truncateSync(file, SIZE / 2)
      let closed = false
      socket.once('close', () => (closed = true))
      socket.on('data', (chunk: Buffer) => received.push(chunk))
      socket.resume()
      // At once, not when the idle connection times out: a response ended short would leave the
      // client waiting for the rest until then.
      await eventually(async () => (closed ? true : undefined), 10_000)
    } finally {
      writeFileSync(file, bytes)
      server.keepAliveTimeout = keepAlive
    }
    // Cut, not ended short: fewer bytes than the Content-Length announced, and those are the file's.
    const body = bodyOf(received)
    expect(body.length).toBeGreaterThan(0)
    expect(body.length).toBeLessThanOrEqual(SIZE / 2)
    expect(body.equals(bytes.subarray(0, body.length))).toBe(true)
    await eventually(async () => (openOn(file) === before ? true : undefined))
  })

  it('a client that goes away mid-download closes the file', async () => {
    const before = openOn(file)
    // A raw socket that stops reading after the first bytes: the server is held by backpressure
    // with the file open, as behind a slow or stalled client.
    const { port } = server.address() as AddressInfo
    const socket = connect(port, '127.0.0.1')
    const cookie = [...viaNode.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    socket.write(`GET /download/field-guide-pdf HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`)
    const first = await new Promise<string>((resolve) =>
      socket.once('data', (chunk: Buffer) => {
        socket.pause()
        resolve(chunk.subarray(0, 12).toString('latin1'))
      }),
    )
    expect(first).toBe('HTTP/1.1 200')
    await eventually(async () => (openOn(file) > before ? true : undefined))
    socket.destroy()
    await eventually(async () => (openOn(file) === before ? true : undefined))
    expect(openOn(file)).toBe(before)
  })
})
